// render_keepalived_conf: the text for each kind of virtual service, what is
// refused, and every rendered file checked by the real keepalived
// (`keepalived --config-test`, Debian `keepalived`).
#include "lb/keepalived_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

namespace pier::lb {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

RealServer server(std::string_view address, uint16_t port, uint32_t weight = 1) {
  return RealServer{ip(address), port, weight};
}

VirtualService service(std::string_view vip, uint16_t port, std::vector<RealServer> servers,
                       Forwarding forwarding = Forwarding::kNat, Protocol protocol = Protocol::kTcp) {
  VirtualService s;
  s.key = ServiceKey{ip(vip), port, protocol};
  s.forwarding = forwarding;
  s.owner.configmap_key = std::string(vip) + "-" + std::to_string(port);
  s.real_servers = std::move(servers);
  return s;
}

// An interface keepalived accepts for VRRP: it must exist and not be a
// loopback. The first one that is up, else any.
std::string vrrp_interface() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/class/net", ec))
    if (entry.path().filename() != "lo") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::ifstream state("/sys/class/net/" + name + "/operstate");
    std::string word;
    if (state >> word && word == "up") return name;
  }
  return names.empty() ? "" : names.front();
}

struct Validation {
  int status = -1;
  std::string errors;  // keepalived's stderr: every line is a complaint
};

// `keepalived --config-test -f FILE`: exit status 0 and nothing on stderr.
// keepalived 2.2.7 prints each problem as "(FILE: Line N) ..." or a bare
// warning and exits 5 (config errors) or 6 (script security), but exits 0
// for a missing file with a message: hence both checks. Its config test
// also kills itself with SIGTERM (exit 143) when it checks a script user,
// because it compares its parent pid with a main pid that only the daemon
// sets (acassen/keepalived#2617, fixed after 2.2.7); in a new pid namespace
// its parent pid reads 0, which matches.
Validation keepalived_config_test(const std::string& text) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("pier-ka-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path conf = dir / ("keepalived-" + std::to_string(counter++) + ".conf");
  fs::path err = conf;
  err += ".stderr";
  { std::ofstream(conf) << text; }
  std::string wrap = ::geteuid() == 0 ? "unshare --pid --fork " : "";
  std::string command = wrap + "keepalived --config-test -f " + conf.string() + " 2>" + err.string();
  int raw = std::system(command.c_str());
  Validation v;
  v.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  std::ifstream in(err);
  std::stringstream buffer;
  buffer << in.rdbuf();
  v.errors = buffer.str();
  fs::remove(conf);
  fs::remove(err);
  std::error_code ignored;
  fs::remove(dir, ignored);  // empty by now
  return v;
}

bool have_keepalived() { return std::system("keepalived --version >/dev/null 2>&1") == 0; }

#define EXPECT_KEEPALIVED_ACCEPTS(text)                                               \
  do {                                                                                \
    if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed";            \
    Validation v_ = keepalived_config_test(text);                                     \
    EXPECT_EQ(v_.status, 0) << v_.errors << "\n--- file ---\n" << (text);             \
    EXPECT_EQ(v_.errors, "") << "--- file ---\n" << (text);                           \
  } while (0)

KeepalivedSettings settings_with(HealthCheck check) {
  KeepalivedSettings s;
  s.router_id = "lb1";
  s.health_check = std::move(check);
  return s;
}

TEST(KeepalivedConfig, RendersANatServiceWithTcpCheck) {
  KeepalivedSettings settings = settings_with(HealthCheck{});
  auto out = render_keepalived_conf(settings, {service("10.20.3.225", 80, {server("10.1.0.130", 80),
                                                                           server("10.1.51.20", 8080, 3)})});
  EXPECT_THAT(out.problems, IsEmpty());
  EXPECT_EQ(out.text,
            "# Written by pier lb; do not edit\n"
            "\n"
            "global_defs {\n"
            "  router_id lb1\n"
            "}\n"
            "\n"
            "virtual_server 10.20.3.225 80 {\n"
            "  delay_loop 6\n"
            "  lb_algo wlc\n"
            "  lb_kind NAT\n"
            "  protocol TCP\n"
            "  real_server 10.1.0.130 80 {\n"
            "    weight 1\n"
            "    TCP_CHECK {\n"
            "      connect_timeout 3\n"
            "      retry 2\n"
            "      delay_before_retry 2\n"
            "    }\n"
            "  }\n"
            "  real_server 10.1.51.20 8080 {\n"
            "    weight 3\n"
            "    TCP_CHECK {\n"
            "      connect_timeout 3\n"
            "      retry 2\n"
            "      delay_before_retry 2\n"
            "    }\n"
            "  }\n"
            "}\n");
  EXPECT_KEEPALIVED_ACCEPTS(out.text);
}

struct Variant {
  std::string name;
  KeepalivedSettings settings;
  std::vector<VirtualService> services;
  std::vector<std::string> expected_lines;  // each must appear, trimmed, as a whole line
  std::vector<std::string> absent_lines;
};

std::vector<std::string> trimmed_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t start = line.find_first_not_of(' ');
    lines.push_back(start == std::string::npos ? "" : line.substr(start));
  }
  return lines;
}

std::vector<Variant> variants() {
  std::vector<Variant> v;
  HealthCheck tcp;
  HealthCheck http{.kind = HealthCheckKind::kHttp, .connect_timeout_seconds = 2, .fall = 1, .http_path = "/healthz?full=1",
                   .http_status = 204};
  HealthCheck misc{.kind = HealthCheckKind::kMisc, .fall = 4, .retry_delay_seconds = 1,
                   .misc_path = "/bin/sh -c 'exit 0' {address} {port}", .misc_timeout_seconds = 7};
  HealthCheck misc_dynamic = misc;
  misc_dynamic.misc_dynamic = true;
  HealthCheck none{.kind = HealthCheckKind::kNone};

  v.push_back({"nat", settings_with(tcp), {service("10.20.3.225", 80, {server("10.1.0.130", 8080)})},
               {"lb_kind NAT", "real_server 10.1.0.130 8080 {"}, {"persistence_timeout 0"}});
  v.push_back({"dr", settings_with(tcp), {service("10.20.3.225", 80, {server("10.1.0.130", 80)}, Forwarding::kDr)},
               {"lb_kind DR"}, {}});
  v.push_back({"tun", settings_with(tcp), {service("10.20.3.225", 80, {server("10.1.0.130", 80)}, Forwarding::kTun)},
               {"lb_kind TUN"}, {}});
  {
    VirtualService s = service("10.20.3.227", 443, {server("10.1.0.130", 443)});
    s.persistence_seconds = 300;
    s.scheduler = Scheduler::kSh;
    v.push_back({"persistence", settings_with(tcp), {s}, {"persistence_timeout 300", "lb_algo sh"}, {}});
  }
  v.push_back({"udp", settings_with(misc),
               {service("10.20.3.229", 53, {server("10.1.0.5", 53), server("10.1.0.6", 53)}, Forwarding::kDr,
                        Protocol::kUdp)},
               {"protocol UDP", "real_server 10.1.0.5 53 {", "real_server 10.1.0.6 53 {"}, {}});
  v.push_back({"ipv6", settings_with(tcp),
               {service("2001:db8::10", 443, {server("2001:db8::5", 8443), server("2001:db8::6", 8443)})},
               {"virtual_server 2001:db8::10 443 {", "real_server 2001:db8::5 8443 {", "real_server 2001:db8::6 8443 {"},
               {}});
  v.push_back({"tcp check", settings_with(tcp), {service("10.20.3.225", 80, {server("10.1.0.130", 80)})},
               {"TCP_CHECK {", "connect_timeout 3", "retry 2", "delay_before_retry 2", "delay_loop 6"}, {}});
  v.push_back({"http check", settings_with(http), {service("10.20.3.225", 80, {server("10.1.0.130", 80)})},
               {"HTTP_GET {", "url {", "path /healthz?full=1", "status_code 204", "connect_timeout 2", "retry 0"}, {}});
  v.push_back({"misc check", settings_with(misc), {service("10.20.3.225", 80, {server("10.1.0.130", 80)})},
               {"enable_script_security", "script_user nobody", "MISC_CHECK {",
                "misc_path \"/bin/sh -c 'exit 0' 10.1.0.130 80\"", "misc_timeout 7", "retry 3", "delay_before_retry 1"},
               {"misc_dynamic"}});
  v.push_back({"misc check dynamic", settings_with(misc_dynamic),
               {service("2001:db8::10", 53, {server("2001:db8::5", 53)}, Forwarding::kNat, Protocol::kUdp)},
               {"misc_path \"/bin/sh -c 'exit 0' 2001:db8::5 53\"", "misc_dynamic"}, {}});
  v.push_back({"no check", settings_with(none), {service("10.20.3.225", 80, {server("10.1.0.130", 80)})},
               {"weight 1"}, {"TCP_CHECK {", "enable_script_security"}});
  {
    KeepalivedSettings s = settings_with(tcp);
    s.health_check_overrides[ServiceKey{ip("10.20.3.226"), 80, Protocol::kTcp}] = http;
    v.push_back({"per-service override", s,
                 {service("10.20.3.225", 80, {server("10.1.0.130", 80)}),
                  service("10.20.3.226", 80, {server("10.1.0.131", 80)})},
                 {"TCP_CHECK {", "HTTP_GET {"}, {}});
  }
  v.push_back({"draining server", settings_with(tcp),
               {service("10.20.3.225", 80, {server("10.1.0.130", 80, 0), server("10.1.0.131", 80, 1)})},
               {"weight 0", "weight 1"}, {}});
  {
    KeepalivedSettings s = settings_with(tcp);
    s.vrrp = VrrpSettings{.interface = vrrp_interface(), .virtual_router_id = 51, .priority = 150};
    v.push_back({"vrrp", s,
                 {service("10.20.3.226", 80, {server("10.1.0.130", 80)}),
                  service("10.20.3.225", 80, {server("10.1.0.130", 80)}),
                  service("10.20.3.225", 443, {server("10.1.0.130", 443)})},
                 {"vrrp_instance pier_vips {", "state BACKUP", "nopreempt", "interface " + s.vrrp->interface,
                  "virtual_router_id 51", "priority 150", "advert_int 1", "10.20.3.225/32", "10.20.3.226/32"},
                 {"state MASTER", "virtual_ipaddress_excluded {"}});
    v.push_back({"vrrp both families", s,
                 {service("2001:db8::10", 443, {server("2001:db8::5", 443)}),
                  service("10.20.3.225", 80, {server("10.1.0.130", 80)})},
                 {"virtual_ipaddress {", "10.20.3.225/32", "virtual_ipaddress_excluded {", "2001:db8::10/128"}, {}});
    v.push_back({"vrrp ipv6 only", s, {service("2001:db8::10", 443, {server("2001:db8::5", 443)})},
                 {"virtual_ipaddress {", "2001:db8::10/128"}, {"virtual_ipaddress_excluded {"}});
  }
  v.push_back({"vrrp off", settings_with(tcp), {service("10.20.3.225", 80, {server("10.1.0.130", 80)})}, {},
               {"vrrp_instance pier_vips {"}});
  {
    std::vector<VirtualService> all;
    for (Scheduler s : {Scheduler::kRr, Scheduler::kWrr, Scheduler::kLc, Scheduler::kWlc, Scheduler::kLblc,
                        Scheduler::kLblcr, Scheduler::kDh, Scheduler::kSh, Scheduler::kSed, Scheduler::kNq,
                        Scheduler::kMh, Scheduler::kFo, Scheduler::kOvf, Scheduler::kTwos}) {
      VirtualService vs = service("10.20.3.230", static_cast<uint16_t>(1000 + all.size()), {server("10.1.0.1", 80)});
      vs.scheduler = s;
      all.push_back(vs);
    }
    v.push_back({"every scheduler", settings_with(tcp), all, {"lb_algo twos", "lb_algo mh", "lb_algo lblcr"}, {}});
  }
  return v;
}

TEST(KeepalivedConfig, EveryVariantRendersAndKeepalivedAcceptsIt) {
  for (const Variant& variant : variants()) {
    SCOPED_TRACE(variant.name);
    if (variant.settings.vrrp && variant.settings.vrrp->interface.empty()) continue;  // no interface for VRRP here
    auto out = render_keepalived_conf(variant.settings, variant.services);
    EXPECT_THAT(out.problems, IsEmpty());
    EXPECT_TRUE(out.text.starts_with(kKeepalivedHeader));
    std::vector<std::string> lines = trimmed_lines(out.text);
    for (const std::string& line : variant.expected_lines)
      EXPECT_NE(std::find(lines.begin(), lines.end(), line), lines.end()) << "missing line: " << line << "\n" << out.text;
    for (const std::string& line : variant.absent_lines)
      EXPECT_EQ(std::find(lines.begin(), lines.end(), line), lines.end()) << "unexpected line: " << line << "\n"
                                                                         << out.text;
    EXPECT_KEEPALIVED_ACCEPTS(out.text);
  }
}

TEST(KeepalivedConfig, VrrpListsEachVipOnceSorted) {
  KeepalivedSettings s = settings_with(HealthCheck{});
  s.vrrp = VrrpSettings{.interface = "eth0", .virtual_router_id = 7};
  auto out = render_keepalived_conf(s, {service("10.20.3.226", 80, {server("10.1.0.130", 80)}),
                                        service("10.20.3.225", 443, {server("10.1.0.130", 443)}),
                                        service("10.20.3.225", 80, {server("10.1.0.130", 80)})});
  EXPECT_THAT(out.text, HasSubstr("  virtual_ipaddress {\n    10.20.3.225/32\n    10.20.3.226/32\n  }\n"));
}

TEST(KeepalivedConfig, NoVipsMeansNoVrrpInstance) {
  KeepalivedSettings s = settings_with(HealthCheck{});
  s.vrrp = VrrpSettings{.interface = "eth0", .virtual_router_id = 7};
  auto out = render_keepalived_conf(s, {});
  EXPECT_THAT(out.text, Not(HasSubstr("vrrp_instance")));
  EXPECT_THAT(out.problems, IsEmpty());
  EXPECT_KEEPALIVED_ACCEPTS(out.text);
}

TEST(KeepalivedConfig, OrderOfInputDoesNotChangeTheBytes) {
  KeepalivedSettings s = settings_with(HealthCheck{});
  s.vrrp = VrrpSettings{.interface = "eth0", .virtual_router_id = 7};
  std::vector<VirtualService> services;
  for (int i = 0; i < 40; ++i) {
    std::vector<RealServer> servers;
    for (int j = 0; j < 5; ++j) servers.push_back(server("10.1." + std::to_string(j) + "." + std::to_string(i), 80));
    services.push_back(service("10.20.3." + std::to_string(i % 7), static_cast<uint16_t>(80 + i), servers));
  }
  services.push_back(service("2001:db8::1", 443, {server("2001:db8::5", 443)}));
  const std::string first = render_keepalived_conf(s, services).text;
  std::mt19937 random(42);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(services.begin(), services.end(), random);
    for (auto& vs : services) std::shuffle(vs.real_servers.begin(), vs.real_servers.end(), random);
    EXPECT_EQ(render_keepalived_conf(s, services).text, first);
  }
  // Sorted: by VIP, then port; real servers by address.
  EXPECT_LT(first.find("virtual_server 10.20.3.0 80 {"), first.find("virtual_server 10.20.3.0 87 {"));
  EXPECT_LT(first.find("virtual_server 10.20.3.0 87 {"), first.find("virtual_server 10.20.3.1 81 {"));
  EXPECT_LT(first.find("virtual_server 10.20.3.6 86 {"), first.find("virtual_server 2001:db8::1 443 {"));
  EXPECT_LT(first.find("real_server 10.1.0.0 80"), first.find("real_server 10.1.1.0 80"));
}

TEST(KeepalivedConfig, FullNatIsRefusedAndTheRestStays) {
  auto out = render_keepalived_conf(settings_with(HealthCheck{}),
                                    {service("10.20.3.225", 80, {server("10.1.0.130", 80)}, Forwarding::kFullNat),
                                     service("10.20.3.225", 443, {server("10.1.0.130", 443)})});
  ASSERT_EQ(out.problems.size(), 1u);
  EXPECT_EQ(out.problems[0].key, "configmap key 10.20.3.225-80");
  EXPECT_THAT(out.problems[0].reason, HasSubstr("fullnat"));
  EXPECT_THAT(out.problems[0].reason, HasSubstr("NAT, DR or TUN"));
  EXPECT_THAT(out.text, Not(HasSubstr("virtual_server 10.20.3.225 80 {")));
  EXPECT_THAT(out.text, HasSubstr("virtual_server 10.20.3.225 443 {"));
  EXPECT_KEEPALIVED_ACCEPTS(out.text);
}

TEST(KeepalivedConfig, WhatKeepalivedCannotExpressIsAProblem) {
  auto one = [](KeepalivedSettings s, VirtualService vs) { return render_keepalived_conf(s, {vs}); };
  KeepalivedSettings tcp = settings_with(HealthCheck{});
  struct Case {
    std::string name;
    RenderedKeepalived out;
    std::string reason;
    bool service_kept;
    size_t problems = 1;
  };
  KeepalivedSettings rise = settings_with(HealthCheck{.rise = 2});
  KeepalivedSettings relative = settings_with(HealthCheck{.kind = HealthCheckKind::kMisc, .misc_path = "check.sh"});
  KeepalivedSettings quoted =
      settings_with(HealthCheck{.kind = HealthCheckKind::kMisc, .misc_path = "/bin/sh -c \"exit 0\""});
  KeepalivedSettings blank_path = settings_with(HealthCheck{.kind = HealthCheckKind::kHttp, .http_path = "/a b"});
  KeepalivedSettings bad_status = settings_with(HealthCheck{.kind = HealthCheckKind::kHttp, .http_status = 99});
  KeepalivedSettings bad_user = settings_with(HealthCheck{.kind = HealthCheckKind::kMisc, .misc_path = "/bin/true"});
  bad_user.script_user = "no body";
  std::vector<Case> cases = {
      {"dr to another port", one(tcp, service("10.20.3.225", 80, {server("10.1.0.130", 8080), server("10.1.0.131", 80)},
                                               Forwarding::kDr)),
       "real server 10.1.0.130:8080: forwarding dr cannot change the port", true},
      {"tun to another port only", one(tcp, service("10.20.3.225", 80, {server("10.1.0.130", 8080)}, Forwarding::kTun)),
       "no real server keepalived can use", false, 2},
      {"other family", one(tcp, service("10.20.3.225", 80, {server("2001:db8::5", 80), server("10.1.0.131", 80)})),
       "real server [2001:db8::5]:80 is not of the VIP's address family", true},
      {"listed twice", one(tcp, service("10.20.3.225", 80, {server("10.1.0.130", 80), server("10.1.0.130", 80, 5)})),
       "real server 10.1.0.130:80 listed twice", true},
      {"no real servers", one(tcp, service("10.20.3.225", 80, {})), "no real server keepalived can use", false},
      {"rise", one(rise, service("10.20.3.225", 80, {server("10.1.0.130", 80)})), "rise 2", false},
      {"relative script", one(relative, service("10.20.3.225", 80, {server("10.1.0.130", 80)})),
       "must be an absolute path", false},
      {"quoted script", one(quoted, service("10.20.3.225", 80, {server("10.1.0.130", 80)})), "holds a quote", false},
      {"blank in path", one(blank_path, service("10.20.3.225", 80, {server("10.1.0.130", 80)})), "must start with '/'",
       false},
      {"bad status", one(bad_status, service("10.20.3.225", 80, {server("10.1.0.130", 80)})), "not an HTTP status",
       false},
      {"bad script user", one(bad_user, service("10.20.3.225", 80, {server("10.1.0.130", 80)})),
       "needs a valid script_user", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_THAT(c.out.problems, Not(IsEmpty())) << c.out.text;
    for (const Problem& p : c.out.problems) EXPECT_EQ(p.key, "configmap key 10.20.3.225-80");
    EXPECT_THAT(c.out.problems.back().reason, HasSubstr(c.reason));
    EXPECT_EQ(c.out.problems.size(), c.problems);
    EXPECT_EQ(c.out.text.find("virtual_server 10.20.3.225 80 {") != std::string::npos, c.service_kept);
    EXPECT_KEEPALIVED_ACCEPTS(c.out.text);
  }
}

TEST(KeepalivedConfig, ADuplicateServiceKeepsTheFirst) {
  VirtualService a = service("10.20.3.225", 80, {server("10.1.0.130", 80)});
  VirtualService b = service("10.20.3.225", 80, {server("10.1.0.131", 80)});
  b.owner = Owner{"", "shop/web"};
  auto out = render_keepalived_conf(settings_with(HealthCheck{}), {a, b});
  ASSERT_EQ(out.problems.size(), 1u);
  EXPECT_EQ(out.problems[0].key, "service shop/web");
  EXPECT_THAT(out.text, HasSubstr("real_server 10.1.0.130 80"));
  EXPECT_THAT(out.text, Not(HasSubstr("real_server 10.1.0.131 80")));
}

TEST(KeepalivedConfig, BadSettingsAreProblemsNotCrashes) {
  KeepalivedSettings s = settings_with(HealthCheck{});
  s.router_id = "lb 1";
  s.vrrp = VrrpSettings{.interface = "eth0", .virtual_router_id = 0};
  auto out = render_keepalived_conf(s, {service("10.20.3.225", 80, {server("10.1.0.130", 80)})});
  ASSERT_EQ(out.problems.size(), 2u);
  EXPECT_EQ(out.problems[0].key, "keepalived settings");
  EXPECT_THAT(out.problems[0].reason, HasSubstr("router_id"));
  EXPECT_THAT(out.problems[1].reason, HasSubstr("virtual_router_id 0"));
  EXPECT_THAT(out.text, Not(HasSubstr("router_id lb")));
  EXPECT_THAT(out.text, Not(HasSubstr("vrrp_instance")));
  EXPECT_KEEPALIVED_ACCEPTS(out.text);

  for (VrrpSettings bad : {VrrpSettings{.interface = "", .virtual_router_id = 1},
                           VrrpSettings{.interface = "a-very-long-interface", .virtual_router_id = 1},
                           VrrpSettings{.interface = "eth0", .virtual_router_id = 256},
                           VrrpSettings{.interface = "eth0", .virtual_router_id = 1, .priority = 255},
                           VrrpSettings{.interface = "eth0", .virtual_router_id = 1, .advert_int_seconds = 0}}) {
    KeepalivedSettings t = settings_with(HealthCheck{});
    t.vrrp = bad;
    EXPECT_EQ(check_keepalived_settings(t).size(), 1u) << bad.interface << " " << bad.virtual_router_id;
  }
}

TEST(KeepalivedConfig, CheckSettingsNamesEachBadPart) {
  KeepalivedSettings s = settings_with(HealthCheck{.fall = 0});
  s.health_check_overrides[ServiceKey{ip("10.20.3.225"), 80, Protocol::kTcp}] =
      HealthCheck{.kind = HealthCheckKind::kHttp, .http_path = "healthz"};
  auto problems = check_keepalived_settings(s);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0].reason, HasSubstr("default health check fall"));
  EXPECT_THAT(problems[1].reason, HasSubstr("override for 10.20.3.225:80/TCP"));
  EXPECT_THAT(check_keepalived_settings(settings_with(HealthCheck{})), IsEmpty());
}

// A virtual service whose real servers are all draining (weight 0) stays, so
// their connections finish; keepalived 2.2.7 accepts it but complains that
// its quorum exceeds the total weight. These two lines, and only they, are
// expected.
TEST(KeepalivedConfig, AllServersDrainingIsKeptWithKeepalivedsQuorumWarning) {
  auto out = render_keepalived_conf(settings_with(HealthCheck{}),
                                    {service("10.20.3.225", 80, {server("10.1.0.130", 80, 0), server("10.1.0.131", 80, 0)})});
  EXPECT_THAT(out.problems, IsEmpty());
  EXPECT_THAT(out.text, HasSubstr("real_server 10.1.0.130 80 {\n    weight 0\n"));
  if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed";
  Validation v = keepalived_config_test(out.text);
  EXPECT_EQ(v.status, 5);
  std::regex expected(
      "Warning - quorum 1 for \\[10\\.20\\.3\\.225\\]:tcp:80 exceeds total weight of real servers 0, reducing quorum to 0\n"
      "Virtual server \\[10\\.20\\.3\\.225\\]:tcp:80: hysteresis 0 >= quorum 0; setting hysteresis to \\d+\n");
  EXPECT_TRUE(std::regex_match(v.errors, expected)) << v.errors;
}

// The validator can fail: broken files are caught by keepalived itself.
TEST(KeepalivedConfig, TheValidatorRejectsBrokenFiles) {
  if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed";
  const std::string good = render_keepalived_conf(settings_with(HealthCheck{}),
                                                  {service("10.20.3.225", 80, {server("10.1.0.130", 80)})})
                               .text;
  ASSERT_EQ(keepalived_config_test(good).status, 0);
  auto broken = [&](std::string from, std::string to) {
    std::string text = good;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  for (const std::string& text : {broken("connect_timeout", "connect_timoeut"), broken("lb_kind NAT", "lb_kind FNAT"),
                                  broken("lb_algo wlc", "lb_algo nosuch"), broken("  }\n}\n", "  }\n}\n}\n"),
                                  broken("TCP_CHECK", "FOO_CHECK")}) {
    Validation v = keepalived_config_test(text);
    EXPECT_NE(v.status, 0) << text;
    EXPECT_NE(v.errors, "") << text;
  }
  KeepalivedSettings bad_vrrp = settings_with(HealthCheck{});
  bad_vrrp.vrrp = VrrpSettings{.interface = "nosuch0", .virtual_router_id = 1};
  Validation v = keepalived_config_test(
      render_keepalived_conf(bad_vrrp, {service("10.20.3.225", 80, {server("10.1.0.130", 80)})}).text);
  EXPECT_NE(v.status, 0);
  EXPECT_THAT(v.errors, HasSubstr("nosuch0"));
}

}  // namespace
}  // namespace pier::lb
