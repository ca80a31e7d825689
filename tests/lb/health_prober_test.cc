// The prober against real sockets and processes on this machine (loopback
// only), and the checker's scheduler, deterministically with a test clock
// and end to end with a real server that goes away and comes back.
#include "lb/health_prober.h"
#include "lb/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "lb/health_checker.h"

namespace pier::lb {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

// A listening TCP socket on loopback (port chosen by the kernel, or given).
class Listener {
 public:
  explicit Listener(const IpAddress& address, uint16_t port = 0) {
    fd_ = ::socket(address.family == Family::kV4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    SocketAddress at = socket_address(address, port);
    if (::bind(fd_, at.get(), at.length) != 0 || ::listen(fd_, 64) != 0) {
      close();
      return;
    }
    socklen_t length = sizeof at.storage;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&at.storage), &length);
    port_ = ntohs(address.family == Family::kV4 ? reinterpret_cast<sockaddr_in*>(&at.storage)->sin_port
                                                : reinterpret_cast<sockaddr_in6*>(&at.storage)->sin6_port);
  }
  ~Listener() { close(); }
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port that nothing listens on (bound once to get it from the kernel).
uint16_t closed_port(const IpAddress& address) {
  Listener l(address);
  return l.port();
}

// Serves each connection (up to `max_connections`, for at most 10 s) with
// `response` after reading the request head; kSilent accepts and never
// answers until the test ends.
class HttpResponder {
 public:
  static constexpr const char* kSilent = "";
  static constexpr const char* kCloseAtOnce = "\x01close";

  HttpResponder(const IpAddress& address, std::string response) : listener_(address), response_(std::move(response)) {
    if (listener_.ok()) thread_ = std::thread([this] { serve(); });
  }
  ~HttpResponder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int fd : held_) ::close(fd);
  }
  bool ok() const { return listener_.ok(); }
  uint16_t port() const { return listener_.port(); }
  std::string last_request() {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  void serve() {
    const auto end = SteadyClock::now() + 10s;
    for (int served = 0; served < 16 && !stop_ && SteadyClock::now() < end;) {
      pollfd pfd{listener_.fd(), POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++served;
      std::string request;
      char buffer[1024];
      for (int reads = 0; reads < 64 && request.find("\r\n\r\n") == std::string::npos; ++reads) {
        pollfd in{fd, POLLIN, 0};
        if (::poll(&in, 1, 1000) <= 0) break;
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        last_request_ = request;
      }
      if (response_.empty()) {
        held_.push_back(fd);  // never answered, closed at the end
        continue;
      }
      if (response_ != kCloseAtOnce) ::send(fd, response_.data(), response_.size(), MSG_NOSIGNAL);
      ::close(fd);
    }
  }

  Listener listener_;
  std::string response_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> held_;
  std::mutex mutex_;
  std::string last_request_;
};

bool ipv6_loopback_available() {
  Listener l(ip("::1"));
  return l.ok();
}

// ---- TCP ------------------------------------------------------------------

TEST(ProbeTcp, ListeningSocketIsUp) {
  Listener l(ip("127.0.0.1"));
  ASSERT_TRUE(l.ok());
  ProbeResult r = probe_tcp(ip("127.0.0.1"), l.port(), 1000ms);
  EXPECT_TRUE(r.up) << r.message;
  EXPECT_EQ(r.message, "connected to 127.0.0.1:" + std::to_string(l.port()));
}

TEST(ProbeTcp, ClosedPortIsDownRefused) {
  uint16_t port = closed_port(ip("127.0.0.1"));
  ProbeResult r = probe_tcp(ip("127.0.0.1"), port, 1000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST(ProbeTcp, Ipv6Loopback) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback here";
  Listener l(ip("::1"));
  ProbeResult up = probe_tcp(ip("::1"), l.port(), 1000ms);
  EXPECT_TRUE(up.up) << up.message;
  uint16_t port = closed_port(ip("::1"));
  ProbeResult down = probe_tcp(ip("::1"), port, 1000ms);
  EXPECT_FALSE(down.up);
  EXPECT_EQ(down.message, "connect to [::1]:" + std::to_string(port) + ": connection refused");
}

// ---- HTTP -----------------------------------------------------------------

TEST(ProbeHttp, ExpectedStatusIsUpAndRequestIsWellFormed) {
  HttpResponder server(ip("127.0.0.1"), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(server.ok());
  ProbeResult r = probe_http(ip("127.0.0.1"), server.port(), "/healthz", 200, 2000ms);
  EXPECT_TRUE(r.up) << r.message;
  EXPECT_EQ(r.message, "HTTP 200");
  std::string request = server.last_request();
  EXPECT_TRUE(request.starts_with("GET /healthz HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(ProbeHttp, OtherStatusIsDown) {
  HttpResponder server(ip("127.0.0.1"), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(server.ok());
  ProbeResult r = probe_http(ip("127.0.0.1"), server.port(), "/", 200, 2000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "HTTP 503, expected 200");
}

TEST(ProbeHttp, ExpectedNonOkStatusIsUp) {
  HttpResponder server(ip("127.0.0.1"), "HTTP/1.0 204 No Content\r\n\r\n");
  ASSERT_TRUE(server.ok());
  EXPECT_TRUE(probe_http(ip("127.0.0.1"), server.port(), "/", 204, 2000ms).up);
}

TEST(ProbeHttp, GarbageIsDown) {
  HttpResponder server(ip("127.0.0.1"), "SSH-2.0-OpenSSH_9.2\r\n");
  ASSERT_TRUE(server.ok());
  ProbeResult r = probe_http(ip("127.0.0.1"), server.port(), "/", 200, 2000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "GET / on 127.0.0.1:" + std::to_string(server.port()) + ": not an HTTP response");
}

TEST(ProbeHttp, ClosedWithoutAnswerIsDown) {
  HttpResponder silent_close(ip("127.0.0.1"), HttpResponder::kCloseAtOnce);
  ASSERT_TRUE(silent_close.ok());
  ProbeResult r = probe_http(ip("127.0.0.1"), silent_close.port(), "/", 200, 2000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message,
            "GET / on 127.0.0.1:" + std::to_string(silent_close.port()) + ": connection closed without a response");
  HttpResponder truncated(ip("127.0.0.1"), "HTTP/1.1 20");
  ASSERT_TRUE(truncated.ok());
  EXPECT_FALSE(probe_http(ip("127.0.0.1"), truncated.port(), "/", 200, 2000ms).up);
}

TEST(ProbeHttp, ServerThatNeverAnswersTimesOutWithinBounds) {
  HttpResponder server(ip("127.0.0.1"), HttpResponder::kSilent);
  ASSERT_TRUE(server.ok());
  auto start = SteadyClock::now();
  ProbeResult r = probe_http(ip("127.0.0.1"), server.port(), "/", 200, 300ms);
  auto took = SteadyClock::now() - start;
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "GET / on 127.0.0.1:" + std::to_string(server.port()) + ": timed out after 300 ms");
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 2s);
}

TEST(ProbeHttp, RefusedIsDown) {
  uint16_t port = closed_port(ip("127.0.0.1"));
  ProbeResult r = probe_http(ip("127.0.0.1"), port, "/", 200, 1000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST(ProbeHttp, PathWithBlanksIsRefusedWithoutTraffic) {
  ProbeResult r = probe_http(ip("127.0.0.1"), closed_port(ip("127.0.0.1")), "/a b\r\nX: y", 200, 1000ms);
  EXPECT_FALSE(r.up);
  EXPECT_TRUE(r.message.starts_with("HTTP check path")) << r.message;
}

TEST(ProbeHttp, Ipv6HostHeaderHasBrackets) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback here";
  HttpResponder server(ip("::1"), "HTTP/1.1 200 OK\r\n\r\n");
  ASSERT_TRUE(server.ok());
  ProbeResult r = probe_http(ip("::1"), server.port(), "/", 200, 2000ms);
  EXPECT_TRUE(r.up) << r.message;
  EXPECT_NE(server.last_request().find("\r\nHost: [::1]:" + std::to_string(server.port()) + "\r\n"), std::string::npos);
}

// ---- MISC -----------------------------------------------------------------

// Processes of process group `group` that are not zombies, from /proc.
int live_members_of_group(pid_t group) {
  int live = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    size_t close = stat.rfind(')');  // the command name may hold blanks
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    std::string state;
    long parent = 0, pgrp = 0;
    fields >> state >> parent >> pgrp;
    if (pgrp == group && state != "Z") ++live;
  }
  return live;
}

class ProbeMisc : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "pier-health-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string script(const std::string& name, const std::string& body) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::string text;
    std::getline(in, text);
    return text;
  }

  std::filesystem::path dir_;
};

TEST_F(ProbeMisc, ExitZeroIsUp) {
  ProbeResult r = probe_misc(script("ok.sh", "exit 0"), ip("127.0.0.1"), 53, false, 5000ms);
  EXPECT_TRUE(r.up) << r.message;
  EXPECT_EQ(r.message, "script exited 0");
  EXPECT_EQ(r.weight, std::nullopt);
}

TEST_F(ProbeMisc, ExitOneIsDown) {
  ProbeResult r = probe_misc(script("down.sh", "exit 1"), ip("127.0.0.1"), 53, true, 5000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "script exited 1");
}

TEST_F(ProbeMisc, DynamicExitSetsWeight) {
  std::string path = script("weight.sh", "exit 7");
  ProbeResult dynamic = probe_misc(path, ip("127.0.0.1"), 53, true, 5000ms);
  EXPECT_TRUE(dynamic.up) << dynamic.message;
  EXPECT_EQ(dynamic.weight, 5u);
  EXPECT_EQ(dynamic.message, "script exited 7: weight 5");
  // Without misc_dynamic, anything but 0 is a failure (as keepalived).
  ProbeResult plain = probe_misc(path, ip("127.0.0.1"), 53, false, 5000ms);
  EXPECT_FALSE(plain.up);
  EXPECT_EQ(plain.message, "script exited 7");
}

TEST_F(ProbeMisc, PlaceholdersBecomeArgumentsWithoutAShell) {
  std::string path = script("args.sh", "echo \"$# $1 $2 $3\" > \"" + (dir_ / "args.txt").string() + "\"");
  ProbeResult r = probe_misc(path + "  --server={address} {port}   ;echo", ip("2001:db8::5"), 8053, false, 5000ms);
  EXPECT_TRUE(r.up) << r.message;
  EXPECT_EQ(read("args.txt"), "3 --server=2001:db8::5 8053 ;echo");
  EXPECT_EQ(misc_argv("/bin/check {address}:{port}", ip("10.1.0.1"), 80),
            (std::vector<std::string>{"/bin/check", "10.1.0.1:80"}));
  EXPECT_TRUE(misc_argv("  ", ip("10.1.0.1"), 80).empty());
}

TEST_F(ProbeMisc, MissingScriptIsDown) {
  ProbeResult r = probe_misc((dir_ / "nope.sh").string(), ip("127.0.0.1"), 53, false, 5000ms);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "script " + (dir_ / "nope.sh").string() + ": no such file or directory");
  EXPECT_FALSE(probe_misc("", ip("127.0.0.1"), 53, false, 5000ms).up);
}

TEST_F(ProbeMisc, SlowScriptIsKilledAndReaped) {
  std::string pid_file = (dir_ / "pid").string();
  std::string path = script("slow.sh", "echo $$ > \"" + pid_file + "\"\nsleep 30 &\nwait");
  auto start = SteadyClock::now();
  ProbeResult r = probe_misc(path, ip("127.0.0.1"), 53, false, 1000ms);
  auto took = SteadyClock::now() - start;
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.message, "script timed out after 1 s (killed)");
  EXPECT_GE(took, 990ms);
  EXPECT_LT(took, 4s);
  std::string pid_text = read("pid");
  ASSERT_FALSE(pid_text.empty()) << "the script did not start in time";
  pid_t pid = std::stoi(pid_text);
  // Reaped: not a zombie child of ours any more...
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  // ...and its background `sleep` went with its process group (a zombie
  // left for init to reap does not count: it runs nothing).
  bool group_gone = false;
  for (int i = 0; i < 100 && !group_gone; ++i) {
    group_gone = live_members_of_group(pid) == 0;
    if (!group_gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(group_gone);
}

TEST_F(ProbeMisc, SystemProberPicksTheKind) {
  SystemProber prober;
  HealthCheck check;
  check.kind = HealthCheckKind::kMisc;
  check.misc_path = script("ok.sh", "exit 0");
  EXPECT_TRUE(prober.probe(ip("127.0.0.1"), 53, check).up);
  check.kind = HealthCheckKind::kNone;
  EXPECT_TRUE(prober.probe(ip("127.0.0.1"), 53, check).up);
  check.kind = HealthCheckKind::kTcp;
  EXPECT_FALSE(prober.probe(ip("127.0.0.1"), closed_port(ip("127.0.0.1")), check).up);
}

// ---- the checker ------------------------------------------------------------

class TestClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_.load()));
  }
  std::chrono::system_clock::time_point wall_now() const override { return {}; }
  void advance(std::chrono::nanoseconds by) { offset_ += by.count(); }

 private:
  std::atomic<long long> offset_{std::chrono::nanoseconds(1h).count()};
};

// Answers from a table (port -> up), counting calls and concurrency.
class ScriptedProber final : public Prober {
 public:
  ProbeResult probe(const IpAddress&, uint16_t port, const HealthCheck&) override {
    int now = ++running_;
    int seen = max_running_.load();
    while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
    }
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    bool up;
    {
      std::lock_guard lock(mutex_);
      up = !down_.contains(port);
      ++calls_[port];
    }
    --running_;
    return ProbeResult{.up = up, .weight = std::nullopt, .message = up ? "fine" : "port " + std::to_string(port) + " down"};
  }
  void set_down(uint16_t port, bool down) {
    std::lock_guard lock(mutex_);
    if (down) down_.insert(port);
    else down_.erase(port);
  }
  int calls(uint16_t port) {
    std::lock_guard lock(mutex_);
    return calls_[port];
  }
  size_t ports_called() {
    std::lock_guard lock(mutex_);
    return calls_.size();
  }
  std::chrono::milliseconds delay_{0};
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};

 private:
  std::mutex mutex_;
  std::set<uint16_t> down_;
  std::map<uint16_t, int> calls_;
};

ServiceKey vip_key() { return ServiceKey{ip("10.9.0.1"), 80, Protocol::kTcp}; }

HealthTarget target(uint16_t port, uint32_t rise = 1, uint32_t fall = 1) {
  HealthCheck check;
  check.kind = HealthCheckKind::kTcp;
  check.interval_seconds = 2;
  check.retry_delay_seconds = 1;
  check.connect_timeout_seconds = 1;
  check.rise = rise;
  check.fall = fall;
  return HealthTarget{.id = RealServerId{vip_key(), ip("127.0.0.1"), port}, .check = check};
}

// Deterministic: no threads, no jitter, the test moves the clock.
HealthCheckerOptions manual(Prober* prober, const Clock* clock) {
  return HealthCheckerOptions{
      .workers = 0, .prober = prober, .clock = clock, .jitter = 0, .spread_first_probe = false, .seed = 1};
}

TEST(HealthChecker, SchedulesIntervalAndRetryDelay) {
  TestClock clock;
  ScriptedProber prober;
  std::vector<HealthEvent> events;
  HealthChecker checker(manual(&prober, &clock), [&](const HealthEvent& e) { events.push_back(e); });
  checker.set_targets({target(1, 1, 3)});
  EXPECT_EQ(checker.run_due(), 1u);  // the first probe at once
  EXPECT_EQ(checker.run_due(), 0u);
  clock.advance(1999ms);
  EXPECT_EQ(checker.run_due(), 0u);
  clock.advance(1ms);
  EXPECT_EQ(checker.run_due(), 1u);  // interval 2 s
  prober.set_down(1, true);
  clock.advance(2s);
  EXPECT_EQ(checker.run_due(), 1u);  // failure 1
  clock.advance(1s);
  EXPECT_EQ(checker.run_due(), 1u);  // retry after 1 s: failure 2
  clock.advance(1s);
  EXPECT_EQ(checker.run_due(), 1u);  // failure 3: down
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].up);
  EXPECT_TRUE(events[0].transition);
  EXPECT_EQ(events[0].message, "port 1 down");
  clock.advance(1s);
  EXPECT_EQ(checker.run_due(), 0u);  // down: back to the interval
  clock.advance(1s);
  EXPECT_EQ(checker.run_due(), 1u);
  EXPECT_EQ(prober.calls(1), 6);
}

TEST(HealthChecker, KeepsStateOfTargetsThatStayAndDropsTheOthers) {
  TestClock clock;
  ScriptedProber prober;
  prober.set_down(1, true);
  HealthChecker checker(manual(&prober, &clock), nullptr);
  checker.set_targets({target(1), target(2)});
  checker.run_due();
  ASSERT_EQ(checker.state(target(1).id)->health, Health::kDown);
  EXPECT_EQ(checker.state(target(2).id)->health, Health::kUp);

  checker.set_targets({target(1), target(3)});
  EXPECT_EQ(checker.state(target(1).id)->health, Health::kDown);  // stayed
  EXPECT_EQ(checker.state(target(2).id), std::nullopt);           // left
  EXPECT_EQ(checker.state(target(3).id)->health, Health::kUnknown);
  HealthView view = checker.snapshot();
  ASSERT_EQ(view.size(), 1u);  // unknown is left out (counts as up)
  EXPECT_FALSE(view.at(target(1).id).up);

  // A changed check keeps the state and probes with the new check at once.
  HealthTarget changed = target(1);
  changed.check.interval_seconds = 10;
  checker.set_targets({changed});
  EXPECT_EQ(checker.state(target(1).id)->health, Health::kDown);
  EXPECT_EQ(checker.run_due(), 1u);
  clock.advance(9s);
  EXPECT_EQ(checker.run_due(), 0u);
  clock.advance(1s);
  EXPECT_EQ(checker.run_due(), 1u);

  // kNone is not checked at all.
  HealthTarget none = target(4);
  none.check.kind = HealthCheckKind::kNone;
  checker.set_targets({none});
  EXPECT_EQ(checker.state(none.id), std::nullopt);
  clock.advance(1h);
  EXPECT_EQ(checker.run_due(), 0u);
}

TEST(HealthChecker, SpreadsFirstProbesOverTheInterval) {
  TestClock clock;
  ScriptedProber prober;
  HealthCheckerOptions options = manual(&prober, &clock);
  options.spread_first_probe = true;
  options.jitter = 0.1;
  HealthChecker checker(options, nullptr);
  std::vector<HealthTarget> targets;
  for (uint16_t port = 1; port <= 1000; ++port) {
    HealthTarget t = target(port);
    t.check.interval_seconds = 10;
    targets.push_back(t);
  }
  checker.set_targets(targets);
  size_t first_second = checker.run_due();
  clock.advance(1s);
  first_second += checker.run_due();
  EXPECT_GT(first_second, 40u);   // about 100 of 1000 in the first tenth
  EXPECT_LT(first_second, 200u);
  for (int i = 0; i < 9; ++i) {
    clock.advance(1s);
    checker.run_due();
  }
  EXPECT_EQ(prober.ports_called(), 1000u);  // everyone within one interval
}

TEST(HealthChecker, WorkersBoundConcurrencyAndStopCleanly) {
  ScriptedProber prober;
  prober.delay_ = 20ms;
  HealthCheckerOptions options{.workers = 3, .prober = &prober, .clock = nullptr};
  std::vector<HealthTarget> targets;
  for (uint16_t port = 1; port <= 30; ++port) {
    HealthTarget t = target(port);
    t.check.interval_seconds = 1;
    targets.push_back(t);
  }
  auto checker = std::make_unique<HealthChecker>(options, nullptr);
  checker->set_targets(targets);
  auto end = SteadyClock::now() + 10s;
  while (prober.ports_called() < 30 && SteadyClock::now() < end) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(prober.ports_called(), 30u);
  EXPECT_LE(prober.max_running_.load(), 3);
  auto start = SteadyClock::now();
  checker.reset();  // the destructor stops and joins
  EXPECT_LT(SteadyClock::now() - start, 2s);
  EXPECT_EQ(prober.running_.load(), 0);  // no probe outlives the checker
}

TEST(HealthChecker, DynamicWeightChangeIsReportedWithoutTransition) {
  struct WeightProber final : Prober {
    ProbeResult probe(const IpAddress&, uint16_t, const HealthCheck&) override {
      return ProbeResult{.up = true, .weight = weight, .message = "script exited"};
    }
    std::optional<uint32_t> weight;
  } prober;
  TestClock clock;
  std::vector<HealthEvent> events;
  HealthChecker checker(manual(&prober, &clock), [&](const HealthEvent& e) { events.push_back(e); });
  checker.set_targets({target(1)});
  checker.run_due();
  EXPECT_TRUE(events.empty());
  prober.weight = 5;
  clock.advance(2s);
  checker.run_due();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].transition);
  EXPECT_TRUE(events[0].up);
  EXPECT_EQ(events[0].weight, 5u);
  EXPECT_EQ(checker.snapshot().at(target(1).id).weight, 5u);
}

// End to end: the real prober against a real server that goes away and
// comes back on the same port; the test clock drives the schedule.
TEST(HealthChecker, RealServerGoesAwayAndComesBack) {
  auto listener = std::make_unique<Listener>(ip("127.0.0.1"));
  ASSERT_TRUE(listener->ok());
  const uint16_t port = listener->port();
  TestClock clock;
  std::mutex mutex;
  std::vector<HealthEvent> events;
  HealthChecker checker(manual(nullptr, &clock), [&](const HealthEvent& e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
  });
  HealthTarget t = target(port, /*rise=*/2, /*fall=*/2);
  checker.set_targets({t});
  Desired desired;
  desired.services[vip_key()] = VirtualService{.key = vip_key(), .real_servers = {RealServer{ip("127.0.0.1"), port, 4}}};

  checker.run_due();
  EXPECT_EQ(checker.state(t.id)->health, Health::kUp);

  listener.reset();  // the server goes away
  clock.advance(2s);
  checker.run_due();  // failure 1 of 2
  EXPECT_EQ(checker.state(t.id)->health, Health::kUp);
  clock.advance(1s);
  checker.run_due();  // failure 2: down
  EXPECT_EQ(checker.state(t.id)->health, Health::kDown);
  for (int i = 0; i < 3; ++i) {
    clock.advance(2s);
    checker.run_due();  // still down: no second event
  }
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_FALSE(events[0].up);
    EXPECT_EQ(events[0].message, "connect to 127.0.0.1:" + std::to_string(port) + ": connection refused");
  }
  Desired down = desired;
  EXPECT_EQ(apply_health(down, checker.snapshot()), std::vector<ServiceKey>{vip_key()});
  EXPECT_EQ(down.services[vip_key()].real_servers[0].weight, 0u);

  listener = std::make_unique<Listener>(ip("127.0.0.1"), port);  // it comes back
  ASSERT_TRUE(listener->ok());
  clock.advance(2s);
  checker.run_due();  // success 1 of 2
  EXPECT_EQ(checker.state(t.id)->health, Health::kDown);
  clock.advance(2s);
  checker.run_due();  // success 2: up
  EXPECT_EQ(checker.state(t.id)->health, Health::kUp);
  clock.advance(2s);
  checker.run_due();
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(events[1].up);
    EXPECT_TRUE(events[1].transition);
    EXPECT_EQ(events[1].id, t.id);
  }
  Desired up = desired;
  EXPECT_TRUE(apply_health(up, checker.snapshot()).empty());
  EXPECT_EQ(up.services[vip_key()].real_servers[0].weight, 4u);
}

// The same with worker threads and the real clock (1 s interval, fall 1,
// rise 1): bounded to a few seconds.
TEST(HealthChecker, ThreadedAgainstRealServer) {
  auto listener = std::make_unique<Listener>(ip("127.0.0.1"));
  ASSERT_TRUE(listener->ok());
  const uint16_t port = listener->port();
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<HealthEvent> events;
  HealthChecker checker({.workers = 2, .spread_first_probe = false}, [&](const HealthEvent& e) {
    std::lock_guard lock(mutex);
    events.push_back(e);
    changed.notify_all();
  });
  HealthTarget t = target(port);
  t.check.interval_seconds = 1;
  checker.set_targets({t});
  auto wait_events = [&](size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return events.size() >= count; });
  };
  auto end = SteadyClock::now() + 10s;
  while (checker.state(t.id)->health == Health::kUnknown && SteadyClock::now() < end) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(checker.state(t.id)->health, Health::kUp);
  listener.reset();
  ASSERT_TRUE(wait_events(1));
  listener = std::make_unique<Listener>(ip("127.0.0.1"), port);
  ASSERT_TRUE(listener->ok());
  ASSERT_TRUE(wait_events(2));
  checker.stop();
  std::lock_guard lock(mutex);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].up);
  EXPECT_TRUE(events[1].up);
}

}  // namespace
}  // namespace pier::lb
