// The libnftnl bulk load (nft_bulk_load.h) against the whole-table script
// (render_table): the same services loaded both ways, in two network
// namespaces of the test's own, must list as the same table, so that
// read_actual, read_traffic and later incremental scripts see no
// difference. And a refused batch leaves nothing behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/shell.h"
#include "lb/nft_bulk_load.h"
#include "lb/nft_dataplane.h"

namespace pier::lb {
namespace {

using nlohmann::json;

using pier::testing::shell;

// A namespace for the test, removed with it.
class Namespace {
 public:
  explicit Namespace(std::string name) : name_(std::move(name)) {
    shell("ip netns del " + name_);
    made_ = shell("ip netns add " + name_ + " && echo made").find("made") != std::string::npos;
  }
  ~Namespace() {
    if (made_) shell("ip netns del " + name_);
  }
  bool made() const { return made_; }
  std::string path() const { return "/run/netns/" + name_; }

 private:
  std::string name_;
  bool made_ = false;
};

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

VirtualService service(const char* vip, uint16_t port, Protocol protocol, Scheduler scheduler, Forwarding forwarding,
                       std::vector<RealServer> servers) {
  VirtualService vs;
  vs.key = ServiceKey{ip(vip), port, protocol};
  vs.scheduler = scheduler;
  vs.forwarding = forwarding;
  std::sort(servers.begin(), servers.end(), endpoint_less);
  vs.real_servers = std::move(servers);
  return vs;
}

// Every shape render_table writes: weights, draining, none ready, each
// scheduler's selector, UDP, IPv6, fullnat.
nft::Services variety() {
  nft::Services s;
  auto add = [&](VirtualService vs) { s.emplace(vs.key, std::move(vs)); };
  add(service("10.1.3.225", 80, Protocol::kTcp, Scheduler::kWlc, Forwarding::kNat,
              {{ip("10.1.0.1"), 8080, 1}, {ip("10.1.0.2"), 8080, 2}, {ip("10.1.0.3"), 8080, 3}, {ip("10.1.0.4"), 8080, 0}}));
  add(service("10.1.3.226", 53, Protocol::kUdp, Scheduler::kRr, Forwarding::kNat,
              {{ip("10.1.1.1"), 53, 1}, {ip("10.1.1.2"), 53, 1}}));
  add(service("10.1.3.227", 443, Protocol::kTcp, Scheduler::kSh, Forwarding::kFullNat,
              {{ip("10.1.2.1"), 8443, 5}, {ip("10.1.2.2"), 8443, 5}}));
  add(service("10.1.3.228", 80, Protocol::kTcp, Scheduler::kWlc, Forwarding::kNat, {{ip("10.1.4.1"), 80, 0}}));
  add(service("10.1.3.229", 80, Protocol::kTcp, Scheduler::kWrr, Forwarding::kNat, {}));
  add(service("10.1.3.230", 8000, Protocol::kTcp, Scheduler::kLc, Forwarding::kNat, {{ip("10.1.5.1"), 8000, 7}}));
  add(service("2001:db8::10", 443, Protocol::kTcp, Scheduler::kWlc, Forwarding::kNat,
              {{ip("2001:db8:1::1"), 8443, 1}, {ip("2001:db8:1::2"), 8443, 3}}));
  add(service("2001:db8::11", 80, Protocol::kTcp, Scheduler::kSh, Forwarding::kFullNat,
              {{ip("2001:db8:2::1"), 80, 1}, {ip("2001:db8:2::2"), 80, 1}}));
  // Enough services that the elements span several messages.
  for (int i = 0; i < 600; ++i) {
    std::string vip = "10.2." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    add(service(vip.c_str(), 80, Protocol::kTcp, Scheduler::kWlc, Forwarding::kNat,
                {{ip("10.3.0.1"), static_cast<uint16_t>(1000 + i), 1}, {ip("10.3.0.2"), static_cast<uint16_t>(1000 + i), 1}}));
  }
  return s;
}

// The listing without what differs between two equal tables: handles.
json without_handles(json j) {
  if (j.is_object()) {
    j.erase("handle");
    for (auto& [k, v] : j.items()) v = without_handles(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = without_handles(v);
  }
  return j;
}

class NftBulkLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
  }
  std::string name(const char* suffix) { return "pier-bulk-" + std::to_string(::getpid()) + "-" + suffix; }
};

TEST_F(NftBulkLoad, ListsExactlyAsTheScriptedTable) {
  Namespace bulk_ns(name("a")), script_ns(name("b"));
  if (!bulk_ns.made() || !script_ns.made()) GTEST_SKIP() << "cannot create network namespaces";
  nft::Services services = variety();

  auto bulk = NftDataplane::create({.netns = bulk_ns.path(), .bulk_load_from = 1});
  auto script = NftDataplane::create({.netns = script_ns.path(), .bulk_load_from = SIZE_MAX});
  ASSERT_TRUE(bulk && script);
  // The bulk dataplane's own path, and the function itself (so a silent
  // fallback to the script cannot pass for it).
  ASSERT_TRUE((*bulk)->run(nft::render_table({})));
  Result<void> loaded = fail(Error::internal("not run"));
  std::thread([&] {
    int fd = ::open(bulk_ns.path().c_str(), O_RDONLY | O_CLOEXEC);
    ::setns(fd, CLONE_NEWNET);
    ::close(fd);
    loaded = nft::bulk_load_services(services);
  }).join();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE((*script)->replace_all(services));

  // With the map elements (the dataplane's own listing leaves them out).
  std::string listed_bulk = shell("ip netns exec " + name("a") + " nft -j list table inet pier_lb");
  std::string listed_script = shell("ip netns exec " + name("b") + " nft -j list table inet pier_lb");
  json a = without_handles(json::parse(listed_bulk, nullptr, false));
  json b = without_handles(json::parse(listed_script, nullptr, false));
  ASSERT_FALSE(a.is_discarded()) << listed_bulk.substr(0, 500);
  ASSERT_NE(listed_bulk.find("\"elem\""), std::string::npos) << "the listing has the map elements";
  EXPECT_EQ(a, b) << "first difference: " << json::diff(b, a).dump().substr(0, 2000);

  // And read back into the same services.
  auto actual = (*bulk)->read_actual();
  ASSERT_TRUE(actual) << actual.error().message;
  EXPECT_EQ(actual->services.size(), services.size());
  for (const auto& [key, vs] : services) {
    auto found = actual->services.find(key);
    ASSERT_NE(found, actual->services.end()) << key.text();
    ASSERT_EQ(found->second.real_servers.size(), vs.real_servers.size()) << key.text();
    for (size_t i = 0; i < vs.real_servers.size(); ++i)
      EXPECT_EQ(found->second.real_servers[i].server, vs.real_servers[i]) << key.text();
    EXPECT_EQ(found->second.scheduler, vs.scheduler) << key.text();
    EXPECT_EQ(found->second.forwarding, vs.forwarding) << key.text();
  }
}

TEST_F(NftBulkLoad, TheDataplaneTakesTheFastPathOnlyWhereThereIsNoTable) {
  Namespace ns(name("c"));
  if (!ns.made()) GTEST_SKIP() << "cannot create network namespaces";
  auto dp = NftDataplane::create({.netns = ns.path(), .bulk_load_from = 1});
  ASSERT_TRUE(dp);
  ASSERT_TRUE((*dp)->replace_all(variety()));  // no table: the fast path
  auto first = (*dp)->read_actual();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->services.size(), variety().size());
  // A table exists now: a whole write replaces it by script, atomically.
  nft::Services fewer = variety();
  fewer.erase(fewer.begin());
  ASSERT_TRUE((*dp)->replace_all(fewer));
  auto second = (*dp)->read_actual();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->services.size(), fewer.size());
}

TEST_F(NftBulkLoad, ARefusedBatchLeavesNothing) {
  Namespace ns(name("d"));
  if (!ns.made()) GTEST_SKIP() << "cannot create network namespaces";
  Result<void> loaded;
  // No table to load into: the kernel refuses the first message and the
  // whole batch is dropped.
  std::thread([&] {
    int fd = ::open(ns.path().c_str(), O_RDONLY | O_CLOEXEC);
    ::setns(fd, CLONE_NEWNET);
    ::close(fd);
    loaded = nft::bulk_load_services(variety());
  }).join();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("refused; nothing applied"), std::string::npos) << loaded.error().message;
  EXPECT_EQ(loaded.error().retry, Retry::kResync);
  EXPECT_EQ(shell("ip netns exec " + name("d") + " nft list ruleset"), "");
}

}  // namespace
}  // namespace pier::lb
