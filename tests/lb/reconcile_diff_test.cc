#include "lb/reconcile_diff.h"

#include <gtest/gtest.h>

namespace pier::lb {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

ServiceKey key(const char* vip, uint16_t port) { return {*IpAddress::parse(vip), port, Protocol::kTcp}; }
RealServer rs(const char* ip, uint16_t port, uint32_t weight = 1) { return {*IpAddress::parse(ip), port, weight}; }

VirtualService want(const ServiceKey& k, std::vector<RealServer> servers) {
  VirtualService vs;
  vs.key = k;
  vs.owner.configmap_key = "k";
  vs.real_servers = std::move(servers);
  return vs;
}

ActualService have(const ServiceKey& k, std::vector<ActualRealServer> servers, bool owned = true) {
  ActualService as;
  as.key = k;
  as.owned = owned;
  as.real_servers = std::move(servers);
  return as;
}

std::vector<std::string> texts(const DiffResult& r) {
  std::vector<std::string> out;
  for (const auto& op : r.operations) out.push_back(op.text());
  return out;
}

const Time kNow = Time() + 1000h;

TEST(ReconcileDiff, AddsServiceThenRealServers) {
  Desired d;
  d.services[key("10.0.0.1", 80)] = want(key("10.0.0.1", 80), {rs("10.2.0.1", 8080), rs("10.2.0.2", 8080, 0)});
  EXPECT_EQ(texts(diff(d, {}, {kNow})), (std::vector<std::string>{
                                            "add service 10.0.0.1:80/TCP (wlc, nat)",
                                            "add real server 10.2.0.1:8080 weight 1 to 10.0.0.1:80/TCP",
                                            "add real server 10.2.0.2:8080 weight 0 to 10.0.0.1:80/TCP",
                                        }));
}

TEST(ReconcileDiff, RestartWithIdenticalStateDoesNothing) {
  Desired d;
  Actual a;
  d.services[key("10.0.0.1", 80)] = want(key("10.0.0.1", 80), {rs("10.2.0.1", 8080, 5), rs("10.2.0.2", 8080, 0)});
  a.services[key("10.0.0.1", 80)] = have(key("10.0.0.1", 80), {{rs("10.2.0.1", 8080, 5), 40}, {rs("10.2.0.2", 8080, 0), 3}});
  auto r = diff(d, a, {kNow});
  EXPECT_TRUE(r.operations.empty()) << texts(r).front();
  EXPECT_EQ(r.draining, 0u);
}

TEST(ReconcileDiff, WeightAndServiceAttributeChanges) {
  Desired d;
  Actual a;
  VirtualService vs = want(key("10.0.0.1", 80), {rs("10.2.0.1", 8080, 2)});
  vs.scheduler = Scheduler::kSh;
  vs.persistence_seconds = 300;
  d.services[vs.key] = vs;
  a.services[vs.key] = have(vs.key, {{rs("10.2.0.1", 8080, 1), 0}});
  EXPECT_EQ(texts(diff(d, a, {kNow})), (std::vector<std::string>{
                                           "update service 10.0.0.1:80/TCP (sh, nat, persist 300s)",
                                           "set real server 10.2.0.1:8080 weight 2 of 10.0.0.1:80/TCP",
                                       }));
}

TEST(ReconcileDiff, LeavingRealServerDrainsThenGoes) {
  Desired d;
  d.services[key("10.0.0.1", 80)] = want(key("10.0.0.1", 80), {rs("10.2.0.1", 8080)});
  Actual a;
  auto& as = a.services[key("10.0.0.1", 80)] = have(key("10.0.0.1", 80), {{rs("10.2.0.1", 8080), 1}, {rs("10.2.0.9", 8080), 7}});
  // Connections: weight 0 first.
  auto r = diff(d, a, {kNow});
  EXPECT_EQ(texts(r), (std::vector<std::string>{"set real server 10.2.0.9:8080 weight 0 of 10.0.0.1:80/TCP"}));
  EXPECT_EQ(r.draining, 1u);
  // Draining, still connections, deadline not reached: wait.
  as.real_servers[1] = {rs("10.2.0.9", 8080, 0), 7, kNow};
  r = diff(d, a, {kNow + 299s});
  EXPECT_TRUE(r.operations.empty());
  EXPECT_EQ(r.draining, 1u);
  // No drain start known (the controller restarted): wait for the connections.
  as.real_servers[1].drain_started.reset();
  EXPECT_TRUE(diff(d, a, {kNow + 1000s}).operations.empty());
  // Deadline passed.
  as.real_servers[1].drain_started = kNow;
  EXPECT_EQ(texts(diff(d, a, {kNow + 300s})),
            (std::vector<std::string>{"remove real server 10.2.0.9:8080 from 10.0.0.1:80/TCP"}));
  // Connections gone.
  as.real_servers[1].active_connections = 0;
  EXPECT_EQ(texts(diff(d, a, {kNow + 1s})),
            (std::vector<std::string>{"remove real server 10.2.0.9:8080 from 10.0.0.1:80/TCP"}));
  // Comes back while draining: its weight again.
  d.services[key("10.0.0.1", 80)].real_servers.push_back(rs("10.2.0.9", 8080));
  as.real_servers[1].active_connections = 7;
  EXPECT_EQ(texts(diff(d, a, {kNow + 1s})),
            (std::vector<std::string>{"set real server 10.2.0.9:8080 weight 1 of 10.0.0.1:80/TCP"}));
}

TEST(ReconcileDiff, RemovedServiceGoesAfterItsRealServersDrain) {
  Desired d;
  Actual a;
  auto& as = a.services[key("10.0.0.1", 80)] = have(key("10.0.0.1", 80), {{rs("10.2.0.1", 8080), 0}, {rs("10.2.0.2", 8080), 4}});
  EXPECT_EQ(texts(diff(d, a, {kNow})), (std::vector<std::string>{
                                           "remove real server 10.2.0.1:8080 from 10.0.0.1:80/TCP",
                                           "set real server 10.2.0.2:8080 weight 0 of 10.0.0.1:80/TCP",
                                       }));
  as.real_servers = {{rs("10.2.0.2", 8080, 0), 0}};
  EXPECT_EQ(texts(diff(d, a, {kNow})), (std::vector<std::string>{"remove service 10.0.0.1:80/TCP"}));
}

TEST(ReconcileDiff, ForeignServicesAreNeverTouched) {
  Desired d;
  Actual a;
  a.services[key("10.0.0.7", 22)] = have(key("10.0.0.7", 22), {{rs("10.2.0.1", 22), 0}}, false);
  a.services[key("10.0.0.8", 80)] = have(key("10.0.0.8", 80), {{rs("10.2.0.1", 80), 0}}, false);
  d.services[key("10.0.0.8", 80)] = want(key("10.0.0.8", 80), {rs("10.2.0.5", 80)});
  auto r = diff(d, a, {kNow});
  EXPECT_TRUE(r.operations.empty()) << texts(r).front();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].reason, "10.0.0.8:80/TCP exists and is not Pier's; left alone");
}

TEST(ReconcileDiff, IncrementalDiffLooksOnlyAtTheKeys) {
  Desired d;
  Actual a;
  d.services[key("10.0.0.1", 80)] = want(key("10.0.0.1", 80), {rs("10.2.0.1", 80)});
  d.services[key("10.0.0.2", 80)] = want(key("10.0.0.2", 80), {rs("10.2.0.2", 80)});  // missing from actual
  a.services[key("10.0.0.1", 80)] = have(key("10.0.0.1", 80), {});
  std::vector<ServiceKey> keys = {key("10.0.0.1", 80)};
  EXPECT_EQ(texts(diff(d, a, {kNow}, keys)),
            (std::vector<std::string>{"add real server 10.2.0.1:80 weight 1 to 10.0.0.1:80/TCP"}));
}

// O(change): one endpoint more in a 20,000-service state is one operation,
// by the full diff and by the incremental one.
TEST(ReconcileDiff, OneEndpointChangeInALargeStateIsOneOperation) {
  Desired d;
  Actual a;
  for (uint32_t i = 0; i < 20000; ++i) {
    IpAddress vip = *IpAddress::parse("10.0.0.0");
    vip.bytes[2] = static_cast<uint8_t>(i >> 8);
    vip.bytes[3] = static_cast<uint8_t>(i);
    ServiceKey k{vip, 80, Protocol::kTcp};
    VirtualService vs = want(k, {});
    ActualService as = have(k, {});
    for (uint8_t j = 0; j < 10; ++j) {
      RealServer server{vip, static_cast<uint16_t>(8000 + j), 1};
      server.address.bytes[0] = 11;
      vs.real_servers.push_back(server);
      as.real_servers.push_back({server, 3});
    }
    d.services.emplace(k, std::move(vs));
    a.services.emplace(k, std::move(as));
  }
  EXPECT_TRUE(diff(d, a, {kNow}).operations.empty());
  auto& changed = d.services.begin()->second;
  changed.real_servers.push_back({changed.real_servers.back().address, 9000, 1});
  EXPECT_EQ(diff(d, a, {kNow}).operations.size(), 1u);
  std::vector<ServiceKey> keys = {changed.key};
  EXPECT_EQ(diff(d, a, {kNow}, keys).operations.size(), 1u);
  changed.real_servers.erase(changed.real_servers.begin());  // one leaves, with connections
  EXPECT_EQ(diff(d, a, {kNow}).operations.size(), 2u);      // its weight 0, the new one
}

}  // namespace
}  // namespace pier::lb
