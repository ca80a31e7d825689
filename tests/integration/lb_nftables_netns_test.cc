// The nftables dataplane end to end, in network namespaces this test makes
// (names carry the pid): client -- lb -- three backends, joined by veth.
// Each backend runs a small HTTP server (a thread that entered the backend's
// namespace before opening its socket) answering with its own name; the
// dataplane writes `table inet pier_lb` inside the lb namespace
// (NftOptions::netns). Needs root; skipped with the reason otherwise.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lb/nft_dataplane.h"
#include "lb/reconcile_diff.h"

namespace pier::lb {
namespace {

using namespace std::chrono_literals;

int sh(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// Runs `fn` on a thread inside the namespace at /run/netns/NAME.
bool in_netns(const std::string& name, const std::function<void()>& fn) {
  bool entered = false;
  std::thread t([&] {
    int fd = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    entered = ::setns(fd, CLONE_NEWNET) == 0;
    ::close(fd);
    if (entered) fn();
  });
  t.join();
  return entered;
}

// Deletes the namespaces it made, whatever happens to the test.
struct Namespaces {
  std::vector<std::string> names;
  ~Namespaces() {
    for (const auto& n : names) sh("ip netns del " + n);
  }
};

// Bounded waits on a socket.
bool wait_fd(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1 && (p.revents & events);
}

// Reads one HTTP response (Content-Length framed) within 2 s; "" on failure.
std::string read_response(int fd) {
  std::string data;
  auto deadline = std::chrono::steady_clock::now() + 2s;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    size_t head_end = data.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      size_t cl = data.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) {
        size_t length = std::stoul(data.substr(cl + 16));
        if (data.size() >= head_end + 4 + length) return data.substr(head_end + 4, length);
      }
    }
    if (!wait_fd(fd, POLLIN, 200ms)) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    data.append(buf, static_cast<size_t>(n));
  }
  return "";
}

// A backend: HTTP/1.1 with keep-alive, body = its name.
class Backend {
 public:
  Backend(std::string ns, std::string name) : ns_(std::move(ns)), name_(std::move(name)) {}
  ~Backend() { stop(); }

  bool start() {
    bool ok = in_netns(ns_, [&] {
      listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(8080);
      a.sin_addr.s_addr = htonl(INADDR_ANY);
      if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 128) != 0) {
        ::close(listen_fd_);
        listen_fd_ = -1;
      }
    });
    if (!ok || listen_fd_ < 0) return false;
    acceptor_ = std::thread([this] { accept_loop(); });
    return true;
  }

  void stop() {
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mu_);
      workers.swap(workers_);
    }
    for (auto& w : workers) w.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      if (!wait_fd(listen_fd_, POLLIN, 100ms)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string data;
    char buf[4096];
    while (!stopping_) {
      size_t end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        bool close_after = data.substr(0, end).find("Connection: close") != std::string::npos;
        // GET /peer answers with the address the connection came from.
        std::string body = data.starts_with("GET /peer ") ? peer(fd) : name_;
        data.erase(0, end + 4);
        std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0 || close_after) break;
        continue;
      }
      if (!wait_fd(fd, POLLIN, 100ms)) continue;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
  }

  static std::string peer(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    char text[INET_ADDRSTRLEN] = "";
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return text;
  }

  std::string ns_, name_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

// A TCP connection made from inside the client namespace (a socket keeps
// the namespace it was made in, so it is used from any thread afterwards).
class Connection {
 public:
  static std::unique_ptr<Connection> open(const std::string& ns, const std::string& ip, uint16_t port) {
    int fd = -1;
    in_netns(ns, [&] {
      fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
      int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      int err = 0;
      socklen_t len = sizeof err;
      if (rc != 0 && (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, 1000ms) ||
                      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
        ::close(fd);
        fd = -1;
      }
    });
    if (fd < 0) return nullptr;
    return std::unique_ptr<Connection>(new Connection(fd));
  }
  ~Connection() { ::close(fd_); }

  // One request; the answering backend's name, "" on failure or timeout.
  std::string get(bool keep_alive, const std::string& path = "/") {
    std::string req = "GET " + path + std::string(" HTTP/1.1\r\nHost: vip\r\n") + (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return "";
    return read_response(fd_);
  }

 private:
  explicit Connection(int fd) : fd_(fd) {}
  int fd_;
};

constexpr int kRequests = 60;

class NftNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, nftables)";
    std::string p = std::to_string(::getpid());
    client_ = "pierlb-" + p + "-client";
    lb_ = "pierlb-" + p + "-lb";
    for (int i = 1; i <= 3; ++i) backends_.push_back("pierlb-" + p + "-b" + std::to_string(i));
    if (sh("ip netns add " + client_) != 0) GTEST_SKIP() << "`ip netns add` failed (no network namespaces here)";
    ns_.names.push_back(client_);
    for (const auto& n : std::vector<std::string>{lb_, backends_[0], backends_[1], backends_[2]}) {
      ASSERT_EQ(sh("ip netns add " + n), 0) << n;
      ns_.names.push_back(n);
    }
    // client 10.77.0.2 -- 10.77.0.1 lb; lb 10.78.N.1 -- 10.78.N.2 backend N.
    std::vector<std::string> steps = {
        "ip link add pl" + p + "c netns " + client_ + " type veth peer name pl" + p + "l netns " + lb_,
        "ip -n " + client_ + " addr add 10.77.0.2/24 dev pl" + p + "c",
        "ip -n " + client_ + " link set pl" + p + "c up",
        "ip -n " + client_ + " link set lo up",
        "ip -n " + client_ + " route add default via 10.77.0.1",
        "ip -n " + lb_ + " addr add 10.77.0.1/24 dev pl" + p + "l",
        "ip -n " + lb_ + " link set pl" + p + "l up",
        "ip -n " + lb_ + " link set lo up",
        "ip netns exec " + lb_ + " sysctl -w net.ipv4.ip_forward=1",
    };
    for (int i = 1; i <= 3; ++i) {
      std::string b = backends_[i - 1], n = std::to_string(i);
      std::string lbif = "pl" + p + "b" + n, bif = "pl" + p + "e" + n;
      steps.push_back("ip link add " + lbif + " netns " + lb_ + " type veth peer name " + bif + " netns " + b);
      steps.push_back("ip -n " + lb_ + " addr add 10.78." + n + ".1/24 dev " + lbif);
      steps.push_back("ip -n " + lb_ + " link set " + lbif + " up");
      steps.push_back("ip -n " + b + " addr add 10.78." + n + ".2/24 dev " + bif);
      steps.push_back("ip -n " + b + " link set " + bif + " up");
      steps.push_back("ip -n " + b + " link set lo up");
      // NAT forwarding: replies go back through the load balancer.
      steps.push_back("ip -n " + b + " route add default via 10.78." + n + ".1");
    }
    for (const auto& s : steps) ASSERT_EQ(sh(s), 0) << s;
    for (int i = 0; i < 3; ++i) {
      servers_.push_back(std::make_unique<Backend>(backends_[i], "b" + std::to_string(i + 1)));
      ASSERT_TRUE(servers_.back()->start()) << backends_[i];
    }
  }

  void TearDown() override {
    for (auto& s : servers_) s->stop();
  }

  std::unique_ptr<NftDataplane> dataplane() {
    // bulk_load_from 1: the first write into the empty namespace goes
    // through the libnftnl bulk path, so the traffic below checks its rules.
    auto dp = NftDataplane::create({.netns = "/run/netns/" + lb_, .bulk_load_from = 1});
    EXPECT_TRUE(dp.has_value()) << (dp ? "" : dp.error().message);
    return dp ? std::move(*dp) : nullptr;
  }

  // kRequests new connections to the VIP: answers per backend name ("" = failed).
  std::map<std::string, int> spray() {
    std::map<std::string, int> seen;
    for (int i = 0; i < kRequests; ++i) {
      auto c = Connection::open(client_, "10.77.100.1", 80);
      seen[c ? c->get(false) : std::string()]++;
    }
    return seen;
  }

  // Applies diff(desired, dataplane) until nothing is left (at most 5 rounds).
  size_t converge(NftDataplane& dp, const Desired& desired) {
    size_t total = 0;
    for (int round = 0; round < 5; ++round) {
      auto actual = dp.read_actual();
      EXPECT_TRUE(actual.has_value()) << (actual ? "" : actual.error().message);
      if (!actual) return total;
      DiffResult d = diff(desired, *actual, {.now = std::chrono::steady_clock::now()});
      if (d.operations.empty()) return total;
      ApplyReport r = dp.apply(d.operations);
      for (const auto& f : r.failed) ADD_FAILURE() << f.operation.text() << ": " << f.error.message;
      total += r.applied;
    }
    ADD_FAILURE() << "no convergence in 5 rounds";
    return total;
  }

  Desired desired(std::map<std::string, uint32_t> weights) {
    Desired d;
    VirtualService vs;
    vs.key = {*IpAddress::parse("10.77.100.1"), 80, Protocol::kTcp};
    vs.owner.configmap_key = "10.77.100.1-80";
    for (const auto& [ip, w] : weights) vs.real_servers.push_back({*IpAddress::parse(ip), 8080, w});
    std::sort(vs.real_servers.begin(), vs.real_servers.end(), endpoint_less);
    d.services[vs.key] = vs;
    // An IPv6 service beside it: written, read back, never sent traffic.
    VirtualService v6;
    v6.key = {*IpAddress::parse("2001:db8:77::1"), 443, Protocol::kTcp};
    v6.scheduler = Scheduler::kSh;
    v6.forwarding = Forwarding::kFullNat;
    v6.real_servers = {{*IpAddress::parse("2001:db8:78::2"), 8443, 2}, {*IpAddress::parse("2001:db8:78::3"), 8443, 1}};
    d.services[v6.key] = v6;
    return d;
  }

  std::string client_, lb_;
  std::vector<std::string> backends_;
  Namespaces ns_;
  std::vector<std::unique_ptr<Backend>> servers_;
};

TEST_F(NftNetnsTest, BalancesDrainsRemovesAndSurvivesRestart) {
  const std::string b1 = "10.78.1.2", b2 = "10.78.2.2", b3 = "10.78.3.2";
  auto dp = dataplane();
  ASSERT_TRUE(dp);
  auto empty = dp->read_actual();
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_TRUE(empty->services.empty());

  Desired all = desired({{b1, 1}, {b2, 1}, {b3, 1}});
  EXPECT_EQ(converge(*dp, all), 7u);  // 2 services + 5 real servers

  // Every ready backend gets new connections.
  auto seen = spray();
  EXPECT_EQ(seen[""], 0);
  for (const char* b : {"b1", "b2", "b3"}) EXPECT_GT(seen[b], 0) << b;

  // An established keep-alive connection, to check across the restart.
  auto kept = Connection::open(client_, "10.77.100.1", 80);
  ASSERT_TRUE(kept);
  std::string kept_backend = kept->get(true);
  ASSERT_FALSE(kept_backend.empty());

  // Restart: a new dataplane object reads the table back; nothing to do.
  dp.reset();
  dp = dataplane();
  ASSERT_TRUE(dp);
  auto actual = dp->read_actual();
  ASSERT_TRUE(actual.has_value()) << actual.error().message;
  DiffResult again = diff(all, *actual, {.now = std::chrono::steady_clock::now()});
  EXPECT_TRUE(again.operations.empty()) << again.operations.front().text();
  EXPECT_EQ(dp->apply(again.operations).applied, 0u);
  EXPECT_EQ(kept->get(true), kept_backend);

  // Drain b2: weight 0 takes no new connections.
  EXPECT_EQ(converge(*dp, desired({{b1, 1}, {b2, 0}, {b3, 1}})), 1u);
  seen = spray();
  EXPECT_EQ(seen[""], 0);
  EXPECT_EQ(seen["b2"], 0);
  EXPECT_GT(seen["b1"], 0);
  EXPECT_GT(seen["b3"], 0);

  // Remove b3 (the diff drains it, then deletes it): no new connection reaches it.
  converge(*dp, desired({{b1, 1}, {b2, 0}}));
  auto after = dp->read_actual();
  ASSERT_TRUE(after.has_value());
  const auto& servers = after->services.at(all.services.begin()->first).real_servers;
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[1].server.weight, 0u);
  seen = spray();
  EXPECT_EQ(seen["b3"], 0);
  EXPECT_EQ(seen["b2"], 0);
  EXPECT_EQ(seen["b1"], kRequests);

  // The connection made before all this still answers (conntrack keeps it).
  EXPECT_EQ(kept->get(true), kept_backend);

  // Counters: at least the connections and packets made above.
  auto traffic = dp->read_traffic();
  ASSERT_TRUE(traffic.has_value()) << traffic.error().message;
  const ServiceTraffic* t = nullptr;
  for (const auto& s : *traffic)
    if (s.key.port == 80) t = &s;
  ASSERT_NE(t, nullptr);
  EXPECT_GE(t->counters.connections, static_cast<uint64_t>(3 * kRequests + 1));
  EXPECT_GT(t->counters.packets_in, static_cast<uint64_t>(3 * kRequests));
  EXPECT_GT(t->counters.packets_out, static_cast<uint64_t>(3 * kRequests));
  EXPECT_GT(t->counters.bytes_in, t->counters.packets_in);
  ASSERT_EQ(t->real_servers.size(), 2u);
  EXPECT_EQ(t->real_servers[0].counters.connections, static_cast<uint64_t>(kRequests));  // b1, since its last rewrite
  uint64_t before = t->counters.connections;
  seen = spray();
  auto later = dp->read_traffic();
  ASSERT_TRUE(later.has_value());
  for (const auto& s : *later)
    if (s.key.port == 80) EXPECT_EQ(s.counters.connections, before + kRequests);
}

TEST_F(NftNetnsTest, RefusesWhatNftablesCannotDoAndAppliesTheRest) {
  auto dp = dataplane();
  ASSERT_TRUE(dp);
  ASSERT_TRUE(dp->read_actual().has_value());
  Desired d = desired({{"10.78.1.2", 1}});
  VirtualService dr;
  dr.key = {*IpAddress::parse("10.77.100.2"), 80, Protocol::kTcp};
  dr.forwarding = Forwarding::kDr;
  dr.real_servers = {{*IpAddress::parse("10.78.2.2"), 80, 1}};
  d.services[dr.key] = dr;
  auto actual = dp->read_actual();
  ASSERT_TRUE(actual.has_value());
  DiffResult diffed = diff(d, *actual, {.now = std::chrono::steady_clock::now()});
  ApplyReport r = dp->apply(diffed.operations);
  EXPECT_EQ(r.failed.size(), 2u);  // the dr service and its real server
  for (const auto& f : r.failed) {
    EXPECT_EQ(f.operation.service, dr.key);
    EXPECT_EQ(f.error.retry, Retry::kNo);
    EXPECT_NE(f.error.message.find("forwarding dr"), std::string::npos) << f.error.message;
  }
  EXPECT_EQ(r.applied, diffed.operations.size() - 2);
  auto seen = spray();
  EXPECT_EQ(seen["b1"], kRequests);

  // Someone deletes the table behind our back: the batch fails, every
  // service is tried alone, and the failures ask for a re-sync.
  ASSERT_EQ(sh("ip netns exec " + lb_ + " nft delete table inet pier_lb"), 0);
  Operation add{OperationKind::kAddRealServer, d.services.begin()->first};
  add.server = {*IpAddress::parse("10.78.3.2"), 8080, 1};
  Operation other{OperationKind::kAddRealServer, d.services.rbegin()->first};
  other.scheduler = Scheduler::kSh;
  other.forwarding = Forwarding::kFullNat;
  other.server = {*IpAddress::parse("2001:db8:78::4"), 8443, 1};
  Operation ops[] = {add, other};
  r = dp->apply(ops);
  ASSERT_EQ(r.failed.size(), 2u);
  for (const auto& f : r.failed) EXPECT_EQ(f.error.retry, Retry::kResync) << f.error.message;
  // The re-sync: read (no table), diff, apply writes the table whole.
  EXPECT_GT(converge(*dp, desired({{"10.78.1.2", 1}, {"10.78.3.2", 1}})), 0u);
  seen = spray();
  EXPECT_GT(seen["b1"], 0);
  EXPECT_GT(seen["b3"], 0);
}

// nat keeps the client's address (the backend routes its replies back
// through the load balancer); fullnat replaces it with the load balancer's.
TEST_F(NftNetnsTest, FullNatHidesTheClientNatDoesNot) {
  auto dp = dataplane();
  ASSERT_TRUE(dp);
  ASSERT_TRUE(dp->read_actual().has_value());
  Desired d = desired({{"10.78.1.2", 1}});
  VirtualService full;
  full.key = {*IpAddress::parse("10.77.100.3"), 80, Protocol::kTcp};
  full.forwarding = Forwarding::kFullNat;
  full.real_servers = {{*IpAddress::parse("10.78.2.2"), 8080, 1}};
  d.services[full.key] = full;
  EXPECT_EQ(converge(*dp, d), 7u);
  auto nat = Connection::open(client_, "10.77.100.1", 80);
  ASSERT_TRUE(nat);
  EXPECT_EQ(nat->get(false, "/peer"), "10.77.0.2");
  auto masq = Connection::open(client_, "10.77.100.3", 80);
  ASSERT_TRUE(masq);
  EXPECT_EQ(masq->get(false, "/peer"), "10.78.2.1");

  // Switching the service to nat (an update of the service) stops the masquerade.
  d.services[full.key].forwarding = Forwarding::kNat;
  EXPECT_EQ(converge(*dp, d), 1u);
  auto plain = Connection::open(client_, "10.77.100.3", 80);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->get(false, "/peer"), "10.77.0.2");
}

}  // namespace
}  // namespace pier::lb
