// bird's include file: the rendered text for each case, every rendered
// variant parsed by the real bird (`bird -p`, Debian bird2) inside a small
// complete bird.conf; the announcer's write-then-configure against a fake and
// against a real bird running in a network namespace made for the test.
#include "lb/bird_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/files.h"
#include "lb/bird_announcer.h"

namespace pier::lb {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kBird = "/usr/sbin/bird";

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }
VipPrefix prefix(std::string_view text) { return *VipPrefix::parse(text); }

// A directory of its own per use, removed at the end of the scope even when
// an assertion failed.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("pier-bird-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct Command {
  int status = -1;
  std::string output;  // standard output and standard error
};

Command run(const std::string& command) {
  Command result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A complete bird.conf around the include file, as the docs tell users to
// write it: OSPFv2 and OSPFv3 exporting the two static protocols.
std::string main_conf(const fs::path& include, const std::string& ospf_interface = "pier-t*") {
  return "router id 10.255.0.1;\n"
         "protocol device {}\n"
         "include \"" + include.string() + "\";\n"
         "protocol ospf v2 pier_ospf4 {\n"
         "  ipv4 { export where proto = \"pier_lb_vips\"; };\n"
         "  area 0 { interface \"" + ospf_interface + "\" { stub yes; }; };\n"
         "}\n"
         "protocol ospf v3 pier_ospf6 {\n"
         "  ipv6 { export where proto = \"pier_lb_vips6\"; };\n"
         "  area 0 { interface \"" + ospf_interface + "\" { stub yes; }; };\n"
         "}\n";
}

// `bird -p -c MAIN.conf`: parse only, exit 0 when bird accepts everything.
Command bird_parse(const std::string& include_text) {
  TempDir dir;
  const fs::path include = dir.path / "pier-lb-vips.conf";
  const fs::path conf = dir.path / "bird.conf";
  std::ofstream(include) << include_text;
  std::ofstream(conf) << main_conf(include);
  return run(std::string(kBird) + " -p -c " + conf.string());
}

#define EXPECT_BIRD_ACCEPTS(text)                                                                       \
  do {                                                                                                  \
    if (!fs::exists(kBird)) {                                                                           \
      ADD_FAILURE() << kBird << " is missing (Debian bird2)";                                           \
      break;                                                                                            \
    }                                                                                                   \
    Command parsed = bird_parse(text);                                                                  \
    EXPECT_EQ(parsed.status, 0) << "bird -p refused:\n" << parsed.output << "\n--- file ---\n" << (text); \
  } while (0)

BirdSettings settings(std::vector<VipPrefix> preannounced = {}) {
  BirdSettings s;
  s.interface = "pier-vips";
  s.preannounced = std::move(preannounced);
  return s;
}

const char* const kHeader =
    "# Written by pier lb; do not edit\n"
    "# bird.conf includes this file; its OSPF protocols export these routes.\n\n";

TEST(BirdConfig, PerVipHostRoutesSortedAndUnique) {
  std::vector<IpAddress> vips = {ip("10.1.3.226"), ip("10.1.3.5"), ip("10.1.3.226"), ip("10.20.0.1")};
  std::string text = render_bird_config(settings(), vips);
  EXPECT_EQ(text, std::string(kHeader) +
                      "protocol static pier_lb_vips {\n"
                      "  ipv4;\n"
                      "  route 10.1.3.5/32 via \"pier-vips\";\n"
                      "  route 10.1.3.226/32 via \"pier-vips\";\n"
                      "  route 10.20.0.1/32 via \"pier-vips\";\n"
                      "}\n"
                      "\n"
                      "protocol static pier_lb_vips6 {\n"
                      "  ipv6;\n"
                      "}\n");
  EXPECT_BIRD_ACCEPTS(text);
  // The order of the input does not matter: same bytes, no rewrite.
  std::vector<IpAddress> shuffled = {ip("10.20.0.1"), ip("10.1.3.5"), ip("10.1.3.226")};
  EXPECT_EQ(render_bird_config(settings(), shuffled), text);
}

TEST(BirdConfig, PreannouncedPrefixCarriesTheVipsInsideIt) {
  std::vector<IpAddress> vips = {ip("10.1.3.226"), ip("10.1.3.5"), ip("10.9.0.1"), ip("10.1.4.1")};
  std::string text = render_bird_config(settings({prefix("10.1.3.0/24")}), vips);
  EXPECT_EQ(text, std::string(kHeader) +
                      "protocol static pier_lb_vips {\n"
                      "  ipv4;\n"
                      "  route 10.1.3.0/24 via \"pier-vips\";\n"
                      "  # 10.1.3.5 in 10.1.3.0/24\n"
                      "  # 10.1.3.226 in 10.1.3.0/24\n"
                      "  route 10.1.4.1/32 via \"pier-vips\";\n"
                      "  route 10.9.0.1/32 via \"pier-vips\";\n"
                      "}\n"
                      "\n"
                      "protocol static pier_lb_vips6 {\n"
                      "  ipv6;\n"
                      "}\n");
  EXPECT_BIRD_ACCEPTS(text);
}

TEST(BirdConfig, PreannouncedPrefixStaysWithoutVips) {
  std::string text = render_bird_config(settings({prefix("10.1.3.0/24"), prefix("2001:db8:3::/64")}), {});
  EXPECT_THAT(text, HasSubstr("  route 10.1.3.0/24 via \"pier-vips\";\n"));
  EXPECT_THAT(text, HasSubstr("  route 2001:db8:3::/64 via \"pier-vips\";\n"));
  EXPECT_BIRD_ACCEPTS(text);
  // Only the VIPs inside change: the routes bird sees stay the same.
  std::string with_vips =
      render_bird_config(settings({prefix("10.1.3.0/24"), prefix("2001:db8:3::/64")}), std::vector{ip("10.1.3.7")});
  auto routes = [](const std::string& s) {
    std::string out;
    size_t at = 0;
    while ((at = s.find("  route ", at)) != std::string::npos) {
      size_t end = s.find('\n', at);
      out += s.substr(at, end - at) + "\n";
      at = end;
    }
    return out;
  };
  EXPECT_EQ(routes(with_vips), routes(text));
}

TEST(BirdConfig, Ipv6VipsGoToTheIpv6Protocol) {
  std::vector<IpAddress> vips = {ip("2001:db8::10"), ip("10.1.3.5"), ip("2001:db8:3::7"), ip("2001:db8:0:0::10")};
  std::string text = render_bird_config(settings({prefix("2001:db8:3::/64")}), vips);
  EXPECT_EQ(text, std::string(kHeader) +
                      "protocol static pier_lb_vips {\n"
                      "  ipv4;\n"
                      "  route 10.1.3.5/32 via \"pier-vips\";\n"
                      "}\n"
                      "\n"
                      "protocol static pier_lb_vips6 {\n"
                      "  ipv6;\n"
                      "  route 2001:db8:3::/64 via \"pier-vips\";\n"
                      "  # 2001:db8:3::7 in 2001:db8:3::/64\n"
                      "  route 2001:db8::10/128 via \"pier-vips\";\n"
                      "}\n");
  EXPECT_BIRD_ACCEPTS(text);
}

TEST(BirdConfig, EmptyIsTwoEmptyProtocols) {
  std::string text = render_bird_config(settings(), {});
  EXPECT_EQ(text, std::string(kHeader) +
                      "protocol static pier_lb_vips {\n"
                      "  ipv4;\n"
                      "}\n"
                      "\n"
                      "protocol static pier_lb_vips6 {\n"
                      "  ipv6;\n"
                      "}\n");
  EXPECT_BIRD_ACCEPTS(text);
}

TEST(BirdConfig, OtherProtocolNamesAndInterface) {
  BirdSettings s = settings();
  s.interface = "dummy0";
  s.ipv4_protocol = "vips_a";
  s.ipv6_protocol = "vips_a6";
  ASSERT_TRUE(check_bird_settings(s));
  std::string text = render_bird_config(s, std::vector{ip("10.1.3.5"), ip("2001:db8::1")});
  EXPECT_THAT(text, HasSubstr("protocol static vips_a {\n  ipv4;\n  route 10.1.3.5/32 via \"dummy0\";\n}\n"));
  EXPECT_THAT(text, HasSubstr("protocol static vips_a6 {\n  ipv6;\n  route 2001:db8::1/128 via \"dummy0\";\n}\n"));
  EXPECT_BIRD_ACCEPTS(text);
}

TEST(BirdConfig, ManyVipsAreAccepted) {
  std::vector<IpAddress> vips;
  for (int i = 0; i < 300; ++i) {
    vips.push_back(ip("10.2." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1)));
    vips.push_back(ip("2001:db8:9::" + std::to_string(i + 1)));
  }
  std::string text = render_bird_config(settings({prefix("10.2.1.0/24")}), vips);
  EXPECT_BIRD_ACCEPTS(text);
}

TEST(BirdConfig, BrokenFileFailsBirdParse) {
  if (!fs::exists(kBird)) GTEST_SKIP() << kBird << " is missing";
  // The check above is worth something only if bird does refuse bad files.
  std::string text = render_bird_config(settings(), std::vector{ip("10.1.3.5")});
  std::string broken = text;
  broken.replace(broken.find("/32"), 3, "/33");
  Command parsed = bird_parse(broken);
  EXPECT_NE(parsed.status, 0);
  EXPECT_THAT(parsed.output, HasSubstr("Invalid prefix length"));
  Command truncated = bird_parse(text.substr(0, text.find("}")));
  EXPECT_NE(truncated.status, 0) << truncated.output;
}

TEST(VipPrefix, ParsesOnlyClean) {
  auto p = VipPrefix::parse("10.1.3.0/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->text(), "10.1.3.0/24");
  EXPECT_TRUE(p->contains(ip("10.1.3.0")));
  EXPECT_TRUE(p->contains(ip("10.1.3.255")));
  EXPECT_FALSE(p->contains(ip("10.1.4.0")));
  EXPECT_FALSE(p->contains(ip("::ffff:10.1.3.1")));
  EXPECT_EQ(VipPrefix::parse("2001:db8:3:0::/64")->text(), "2001:db8:3::/64");
  EXPECT_TRUE(VipPrefix::parse("2001:db8:3::/64")->contains(ip("2001:db8:3::ffff")));
  EXPECT_TRUE(VipPrefix::parse("0.0.0.0/0")->contains(ip("192.0.2.1")));
  EXPECT_TRUE(VipPrefix::parse("10.1.3.7/32"));
  for (const char* bad : {"10.1.3.1/24", "10.1.3.0/33", "10.1.3.0", "10.1.3.0/", "10.1.3.0/x", "10.1.3.0/-1",
                          "2001:db8::1/64", "2001:db8::/129", "/24", ""})
    EXPECT_FALSE(VipPrefix::parse(bad)) << bad;
}

TEST(BirdSettingsCheck, RefusesWhatBirdCannotQuoteOrName) {
  EXPECT_TRUE(check_bird_settings(settings()));
  for (const char* bad : {"", "a\"b", "a b", "a/b", "sixteen-chars-xx", "back\\slash"}) {
    BirdSettings s = settings();
    s.interface = bad;
    auto checked = check_bird_settings(s);
    ASSERT_FALSE(checked) << bad;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidInput);
  }
  for (const char* bad : {"", "1vips", "pier-lb", "a b"}) {
    BirdSettings s = settings();
    s.ipv4_protocol = bad;
    EXPECT_FALSE(check_bird_settings(s)) << bad;
  }
  BirdSettings same = settings();
  same.ipv6_protocol = same.ipv4_protocol;
  EXPECT_FALSE(check_bird_settings(same));
}

// ---- the configure reply -------------------------------------------------

TEST(BirdConfigureReply, AcceptsWhatBirdSaysOnSuccess) {
  EXPECT_TRUE(check_configure_reply("BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf\n"
                                    "Reconfigured\n"));
  EXPECT_TRUE(check_configure_reply("BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf\n"
                                    "Reconfiguration in progress\n"));
  EXPECT_TRUE(check_configure_reply("BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf\n"
                                    "Reconfiguration already in progress, queueing new config\n"));
}

TEST(BirdConfigureReply, RefusalCarriesBirdsWords) {
  auto syntax = check_configure_reply(
      "BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf\n"
      "/etc/bird/pier-lb-vips.conf:9:1 syntax error, unexpected CF_SYM_UNDEFINED\n");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(syntax.error().message, HasSubstr("pier-lb-vips.conf:9:1 syntax error"));
  EXPECT_THAT(syntax.error().message, Not(HasSubstr("ready.")));
  auto shutting = check_configure_reply("BIRD 2.0.12 ready.\nShutdown in progress\n");
  ASSERT_FALSE(shutting);
  EXPECT_EQ(shutting.error().retry, Retry::kYes);
  auto nothing = check_configure_reply("");
  ASSERT_FALSE(nothing);
  EXPECT_THAT(nothing.error().message, HasSubstr("no reply"));
}

// ---- the announcer against a fake bird -----------------------------------

class FakeBird final : public BirdControl {
 public:
  Result<void> configure() override {
    ++calls;
    if (failures > 0) {
      --failures;
      return fail(Error::make(ErrorCode::kUnavailable, "bird not running", Retry::kYes));
    }
    return {};
  }
  int calls = 0;
  int failures = 0;
};

TEST(BirdAnnouncer, WritesOnChangeAndConfiguresOnce) {
  TempDir dir;
  FakeBird bird;
  BirdAnnouncer announcer(dir.path / "vips.conf", bird);
  std::string first = render_bird_config(settings(), std::vector{ip("10.1.3.5")});
  auto changed = announcer.apply(first);
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(bird.calls, 1);
  EXPECT_EQ(*read_file(dir.path / "vips.conf"), first);
  changed = announcer.apply(first);
  ASSERT_TRUE(changed);
  EXPECT_FALSE(*changed);
  EXPECT_EQ(bird.calls, 1);
  changed = announcer.apply(render_bird_config(settings(), std::vector{ip("10.1.3.6")}));
  ASSERT_TRUE(changed);
  EXPECT_TRUE(*changed);
  EXPECT_EQ(bird.calls, 2);
}

TEST(BirdAnnouncer, FirstApplyConfiguresEvenWhenTheFileIsCurrent) {
  // A controller that died between the write and the configure.
  TempDir dir;
  std::string text = render_bird_config(settings(), std::vector{ip("10.1.3.5")});
  ASSERT_TRUE(write_file_atomic(dir.path / "vips.conf", text));
  FakeBird bird;
  BirdAnnouncer announcer(dir.path / "vips.conf", bird);
  auto changed = announcer.apply(text);
  ASSERT_TRUE(changed);
  EXPECT_FALSE(*changed);
  EXPECT_EQ(bird.calls, 1);
}

TEST(BirdAnnouncer, FailedConfigureIsRetriedWithUnchangedContent) {
  TempDir dir;
  FakeBird bird;
  bird.failures = 1;
  BirdAnnouncer announcer(dir.path / "vips.conf", bird);
  std::string text = render_bird_config(settings(), std::vector{ip("10.1.3.5")});
  auto changed = announcer.apply(text);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().retry, Retry::kYes);
  EXPECT_EQ(*read_file(dir.path / "vips.conf"), text);  // written; only the configure failed
  changed = announcer.apply(text);
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_FALSE(*changed);
  EXPECT_EQ(bird.calls, 2);
  ASSERT_TRUE(announcer.apply(text));
  EXPECT_EQ(bird.calls, 2);
}

TEST(BirdAnnouncer, UnwritableDirectoryIsAnError) {
  FakeBird bird;
  BirdAnnouncer announcer("/nonexistent-pier-dir/vips.conf", bird);
  auto changed = announcer.apply("x");
  ASSERT_FALSE(changed);
  EXPECT_EQ(bird.calls, 0);
}

TEST(BirdcControl, NoBirdOnTheSocketIsUnavailable) {
  if (!fs::exists("/usr/sbin/birdc")) GTEST_SKIP() << "/usr/sbin/birdc is missing";
  TempDir dir;
  BirdcControl birdc((dir.path / "none.ctl").string(), "/usr/sbin/birdc");
  auto configured = birdc.configure();
  ASSERT_FALSE(configured);
  EXPECT_EQ(configured.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(configured.error().retry, Retry::kYes);
}

// ---- a real bird in a network namespace of its own -----------------------

// bird -f in a new network namespace (`unshare --net`, lo brought up so the
// routes via "lo" are usable); the namespace goes when bird does. Stopped
// and reaped at the end of the scope, whatever happened.
class RunningBird {
 public:
  RunningBird(const fs::path& conf, const fs::path& socket) : socket_(socket) {
    const std::string script = "ip link set lo up && exec " + std::string(kBird) + " -f -s " + socket.string() +
                               " -c " + conf.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("unshare", "unshare", "--net", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~RunningBird() { stop(); }

  bool wait_ready() {
    for (int i = 0; i < 100; ++i) {
      if (run("/usr/sbin/birdc -s " + socket_.string() + " show status").status == 0) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // SIGTERM is bird's clean shutdown; SIGKILL only if it hangs.
  bool stop() {
    if (pid_ <= 0) return true;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return false;
  }

 private:
  fs::path socket_;
  pid_t pid_ = -1;
};

TEST(BirdAnnouncerWithRealBird, RoutesFollowTheVips) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
  if (!fs::exists(kBird) || !fs::exists("/usr/sbin/birdc")) GTEST_SKIP() << "bird2 is not installed";
  if (run("unshare --net true").status != 0) GTEST_SKIP() << "cannot create a network namespace here";
  TempDir dir;
  const fs::path include = dir.path / "pier-lb-vips.conf";
  const fs::path conf = dir.path / "bird.conf";
  const fs::path socket = dir.path / "bird.ctl";
  BirdSettings s = settings();
  s.interface = "lo";
  ASSERT_TRUE(write_file_atomic(include, render_bird_config(s, {})));
  std::ofstream(conf) << main_conf(include, "lo");

  RunningBird bird(conf, socket);
  ASSERT_TRUE(bird.wait_ready()) << "bird did not start";
  BirdcControl birdc(socket.string(), "/usr/sbin/birdc");
  BirdAnnouncer announcer(include, birdc);
  const std::string show_route = "/usr/sbin/birdc -s " + socket.string() + " show route";

  auto changed = announcer.apply(render_bird_config(s, std::vector{ip("10.9.0.1"), ip("2001:db8::10")}));
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(*changed);
  Command routes = run(show_route);
  EXPECT_THAT(routes.output, HasSubstr("10.9.0.1/32"));
  EXPECT_THAT(routes.output, HasSubstr("2001:db8::10/128"));
  EXPECT_THAT(routes.output, HasSubstr("pier_lb_vips"));

  // Another set of VIPs, now behind a pre-announced prefix.
  s.preannounced = {prefix("10.1.3.0/24")};
  changed = announcer.apply(render_bird_config(s, std::vector{ip("10.1.3.5"), ip("10.9.0.2")}));
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(*changed);
  routes = run(show_route);
  EXPECT_THAT(routes.output, HasSubstr("10.1.3.0/24"));
  EXPECT_THAT(routes.output, HasSubstr("10.9.0.2/32"));
  EXPECT_THAT(routes.output, Not(HasSubstr("10.9.0.1/32")));
  EXPECT_THAT(routes.output, Not(HasSubstr("10.1.3.5/32")));
  EXPECT_THAT(routes.output, Not(HasSubstr("2001:db8::10/128")));

  // A file bird refuses: the error says why and bird keeps the last good one.
  ASSERT_TRUE(write_file_atomic(include, "protocol static pier_lb_vips { ipv4; route 10.1.3.0/33 via \"lo\"; }\n"));
  auto refused = birdc.configure();
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("Invalid prefix length"));
  EXPECT_THAT(run(show_route).output, HasSubstr("10.9.0.2/32"));

  EXPECT_TRUE(bird.stop()) << "bird did not stop on SIGTERM";
}

}  // namespace
}  // namespace pier::lb
