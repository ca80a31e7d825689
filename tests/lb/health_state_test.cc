#include "lb/health_state.h"

#include <gtest/gtest.h>

#include <vector>

namespace pier::lb {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

ProbeResult ok(std::string message = "ok") { return ProbeResult{.up = true, .weight = std::nullopt, .message = message}; }
ProbeResult bad(std::string message = "bad") { return ProbeResult{.up = false, .weight = std::nullopt, .message = message}; }

HealthCheck check_with(uint32_t rise, uint32_t fall) {
  HealthCheck check;
  check.rise = rise;
  check.fall = fall;
  return check;
}

TEST(HealthState, StartsUnknownAndCountsAsUp) {
  ServerHealth state;
  EXPECT_EQ(state.health, Health::kUnknown);
  EXPECT_TRUE(state.counts_as_up());
  EXPECT_EQ(name(state.health), "unknown");
}

TEST(HealthState, FirstSuccessConfirmsUnknownSilently) {
  ServerHealth state;
  EXPECT_EQ(observe(state, ok(), check_with(3, 3)), std::nullopt);
  EXPECT_EQ(state.health, Health::kUp);
}

TEST(HealthState, UnknownGoesDownAfterFallFailures) {
  ServerHealth state;
  HealthCheck check = check_with(2, 3);
  EXPECT_EQ(observe(state, bad("one"), check), std::nullopt);
  EXPECT_EQ(observe(state, bad("two"), check), std::nullopt);
  EXPECT_TRUE(state.counts_as_up());
  auto t = observe(state, bad("connect to 10.0.0.1:80: connection refused"), check);
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->up);
  EXPECT_EQ(t->message, "connect to 10.0.0.1:80: connection refused");
  EXPECT_EQ(state.health, Health::kDown);
  // Further failures: no second transition.
  EXPECT_EQ(observe(state, bad(), check), std::nullopt);
}

TEST(HealthState, FailuresMustBeConsecutive) {
  ServerHealth state;
  HealthCheck check = check_with(1, 3);
  observe(state, ok(), check);
  for (int round = 0; round < 5; ++round) {
    EXPECT_EQ(observe(state, bad(), check), std::nullopt);
    EXPECT_EQ(observe(state, bad(), check), std::nullopt);
    EXPECT_EQ(observe(state, ok(), check), std::nullopt);
  }
  EXPECT_EQ(state.health, Health::kUp);
}

TEST(HealthState, ComesBackAfterRiseConsecutiveSuccesses) {
  ServerHealth state;
  HealthCheck check = check_with(3, 1);
  ASSERT_TRUE(observe(state, bad(), check).has_value());
  EXPECT_EQ(observe(state, ok(), check), std::nullopt);
  EXPECT_EQ(observe(state, ok(), check), std::nullopt);
  EXPECT_EQ(observe(state, bad(), check), std::nullopt);  // resets the count
  EXPECT_EQ(observe(state, ok(), check), std::nullopt);
  EXPECT_EQ(observe(state, ok(), check), std::nullopt);
  EXPECT_FALSE(state.counts_as_up());
  auto t = observe(state, ok("HTTP 200"), check);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->up);
  EXPECT_EQ(t->message, "HTTP 200");
  EXPECT_EQ(state.health, Health::kUp);
  EXPECT_EQ(observe(state, ok(), check), std::nullopt);
}

TEST(HealthState, RiseAndFallZeroCountAsOne) {
  ServerHealth state;
  HealthCheck check = check_with(0, 0);
  EXPECT_TRUE(observe(state, bad(), check).has_value());
  EXPECT_TRUE(observe(state, ok(), check).has_value());
}

TEST(HealthState, RetrySoonWhileFailingButNotYetDown) {
  ServerHealth state;
  HealthCheck check = check_with(1, 3);
  EXPECT_FALSE(retry_soon(state));
  observe(state, bad(), check);
  EXPECT_TRUE(retry_soon(state));
  observe(state, bad(), check);
  observe(state, bad(), check);
  EXPECT_FALSE(retry_soon(state));  // down: back to the normal interval
  observe(state, ok(), check);
  EXPECT_FALSE(retry_soon(state));
}

TEST(HealthState, KeepsDynamicWeightOfLastSuccess) {
  ServerHealth state;
  HealthCheck check = check_with(1, 2);
  observe(state, ProbeResult{.up = true, .weight = 5, .message = "script exited 7: weight 5"}, check);
  EXPECT_EQ(state.dynamic_weight, 5u);
  observe(state, bad(), check);  // one failure, still up: the weight holds
  EXPECT_EQ(state.dynamic_weight, 5u);
  observe(state, ok(), check);  // exit 0: back to the configured weight
  EXPECT_EQ(state.dynamic_weight, std::nullopt);
}

// ---- apply_health ---------------------------------------------------------

ServiceKey key(const char* vip, uint16_t port) { return ServiceKey{ip(vip), port, Protocol::kTcp}; }

VirtualService service(ServiceKey k, std::vector<RealServer> servers) {
  VirtualService vs;
  vs.key = k;
  std::sort(servers.begin(), servers.end(), endpoint_less);
  vs.real_servers = std::move(servers);
  return vs;
}

RealServer rs(const char* address, uint16_t port, uint32_t weight) { return RealServer{ip(address), port, weight}; }

Desired sample() {
  Desired d;
  auto a = key("10.9.0.1", 80);
  auto b = key("10.9.0.2", 80);
  auto c = key("2001:db8::1", 443);
  d.services[a] = service(a, {rs("10.1.0.1", 80, 1), rs("10.1.0.2", 80, 3), rs("10.1.0.3", 80, 0)});
  d.services[b] = service(b, {rs("10.1.0.1", 80, 1)});
  d.services[c] = service(c, {rs("2001:db8::10", 443, 2)});
  return d;
}

RealServerId id(ServiceKey k, const char* address, uint16_t port) { return RealServerId{k, ip(address), port}; }

TEST(ApplyHealth, EmptyViewChangesNothing) {
  Desired d = sample();
  Desired before = d;
  EXPECT_TRUE(apply_health(d, {}).empty());
  EXPECT_EQ(d.services, before.services);
}

TEST(ApplyHealth, DownGetsWeightZeroAndStays) {
  Desired d = sample();
  auto a = key("10.9.0.1", 80);
  auto b = key("10.9.0.2", 80);
  HealthView view;
  view[id(a, "10.1.0.2", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  view[id(a, "10.1.0.1", 80)] = HealthEntry{.up = true, .weight = std::nullopt};  // up: unchanged
  auto changed = apply_health(d, view);
  EXPECT_EQ(changed, std::vector<ServiceKey>{a});
  ASSERT_EQ(d.services[a].real_servers.size(), 3u);  // never removed
  EXPECT_EQ(d.services[a].real_servers[0].weight, 1u);
  EXPECT_EQ(d.services[a].real_servers[1].weight, 0u);
  EXPECT_EQ(d.services[a].real_servers[2].weight, 0u);
  // The same address behind another service is checked on its own.
  EXPECT_EQ(d.services[b].real_servers[0].weight, 1u);
}

TEST(ApplyHealth, DynamicWeightsApplyToUpServersOnly) {
  Desired d = sample();
  auto a = key("10.9.0.1", 80);
  auto c = key("2001:db8::1", 443);
  HealthView view;
  view[id(a, "10.1.0.1", 80)] = HealthEntry{.up = true, .weight = 5};
  view[id(a, "10.1.0.3", 80)] = HealthEntry{.up = true, .weight = 7};  // desired 0 (draining): stays 0
  view[id(c, "2001:db8::10", 443)] = HealthEntry{.up = true, .weight = 2};  // equal: no change
  auto changed = apply_health(d, view);
  EXPECT_EQ(changed, std::vector<ServiceKey>{a});
  EXPECT_EQ(d.services[a].real_servers[0].weight, 5u);
  EXPECT_EQ(d.services[a].real_servers[2].weight, 0u);
  EXPECT_EQ(d.services[c].real_servers[0].weight, 2u);
}

TEST(ApplyHealth, DynamicWeightZeroIsUpWithoutNewConnections) {
  EXPECT_EQ(effective_weight(3, nullptr), 3u);
  HealthEntry zero{.up = true, .weight = 0};
  EXPECT_EQ(effective_weight(3, &zero), 0u);
  HealthEntry down{.up = false, .weight = 4};
  EXPECT_EQ(effective_weight(3, &down), 0u);
}

TEST(ApplyHealth, IgnoresEntriesOfUnknownServicesAndServers) {
  Desired d = sample();
  Desired before = d;
  HealthView view;
  view[id(key("10.9.9.9", 80), "10.1.0.1", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  view[id(key("10.9.0.1", 80), "10.1.0.99", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  EXPECT_TRUE(apply_health(d, view).empty());
  EXPECT_EQ(d.services, before.services);
}

TEST(ApplyHealth, ChangedKeysAreSortedAndUnique) {
  Desired d = sample();
  auto a = key("10.9.0.1", 80);
  auto b = key("10.9.0.2", 80);
  auto c = key("2001:db8::1", 443);
  HealthView view;
  view[id(c, "2001:db8::10", 443)] = HealthEntry{.up = false, .weight = std::nullopt};
  view[id(a, "10.1.0.1", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  view[id(a, "10.1.0.2", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  view[id(b, "10.1.0.1", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  EXPECT_EQ(apply_health(d, view), (std::vector<ServiceKey>{a, b, c}));
}

TEST(ReapplyHealth, RestoresWeightsWhenAServerComesBack) {
  const Desired base = sample();
  auto a = key("10.9.0.1", 80);
  auto b = key("10.9.0.2", 80);
  HealthView view;
  view[id(a, "10.1.0.2", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  Desired effective = base;
  apply_health(effective, view);
  ASSERT_EQ(effective.services[a].real_servers[1].weight, 0u);

  view[id(a, "10.1.0.2", 80)] = HealthEntry{.up = true, .weight = std::nullopt};
  std::vector<ServiceKey> keys{a, b, a};
  EXPECT_EQ(reapply_health(base, effective, view, keys), std::vector<ServiceKey>{a});
  EXPECT_EQ(effective.services[a].real_servers[1].weight, 3u);  // its desired weight, not 1
  EXPECT_EQ(effective.services, base.services);
  // Nothing changed since: nothing to report.
  EXPECT_TRUE(reapply_health(base, effective, view, keys).empty());
}

TEST(ReapplyHealth, FollowsServicesThatCameOrWent) {
  Desired base = sample();
  Desired effective = base;
  auto a = key("10.9.0.1", 80);
  auto fresh = key("10.9.0.7", 80);
  base.services.erase(a);
  base.services[fresh] = service(fresh, {rs("10.1.0.9", 80, 1)});
  HealthView view;
  view[id(fresh, "10.1.0.9", 80)] = HealthEntry{.up = false, .weight = std::nullopt};
  std::vector<ServiceKey> keys{fresh, a};
  EXPECT_EQ(reapply_health(base, effective, view, keys), (std::vector<ServiceKey>{a, fresh}));
  EXPECT_FALSE(effective.services.contains(a));
  EXPECT_EQ(effective.services[fresh].real_servers[0].weight, 0u);
}

TEST(RealServerIdText, NamesServerAndService) {
  EXPECT_EQ(id(key("10.9.0.1", 80), "10.1.0.1", 8080).text(), "10.1.0.1:8080 of 10.9.0.1:80/TCP");
  EXPECT_EQ(id(key("2001:db8::1", 443), "2001:db8::10", 443).text(), "[2001:db8::10]:443 of [2001:db8::1]:443/TCP");
}

}  // namespace
}  // namespace pier::lb
