// Property: for random desired and actual states, applying diff()'s
// operations to the actual state (with an in-memory dataplane) reaches the
// desired state for every virtual service Pier owns, leaves foreign ones
// exactly as they were, and then diff() has nothing more to say.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "lb/reconcile_diff.h"

namespace pier::lb {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

// The dataplane, in memory: what the IPVS backend will do to the kernel.
void apply(Actual& actual, const Operation& op, Time now) {
  auto find_server = [](ActualService& as, const RealServer& server) {
    return std::lower_bound(as.real_servers.begin(), as.real_servers.end(), server,
                            [](const ActualRealServer& a, const RealServer& b) { return endpoint_less(a.server, b); });
  };
  switch (op.kind) {
    case OperationKind::kAddService: {
      ASSERT_FALSE(actual.services.contains(op.service)) << op.text();
      ActualService& as = actual.services[op.service];
      as = {op.service, op.scheduler, op.forwarding, op.persistence_seconds, true, {}};
      return;
    }
    case OperationKind::kUpdateService: {
      ActualService& as = actual.services.at(op.service);
      ASSERT_TRUE(as.owned) << op.text();
      as.scheduler = op.scheduler;
      as.forwarding = op.forwarding;
      as.persistence_seconds = op.persistence_seconds;
      return;
    }
    case OperationKind::kRemoveService:
      ASSERT_TRUE(actual.services.at(op.service).owned) << op.text();
      actual.services.erase(op.service);
      return;
    case OperationKind::kAddRealServer: {
      ActualService& as = actual.services.at(op.service);
      ASSERT_TRUE(as.owned) << op.text();
      auto at = find_server(as, op.server);
      ASSERT_TRUE(at == as.real_servers.end() || !same_endpoint(at->server, op.server)) << op.text();
      as.real_servers.insert(at, {op.server, 0, std::nullopt});
      return;
    }
    case OperationKind::kUpdateRealServer: {
      ActualService& as = actual.services.at(op.service);
      ASSERT_TRUE(as.owned) << op.text();
      auto at = find_server(as, op.server);
      ASSERT_TRUE(at != as.real_servers.end() && same_endpoint(at->server, op.server)) << op.text();
      ASSERT_NE(at->server.weight, op.server.weight) << "no-op: " << op.text();
      at->server.weight = op.server.weight;
      // The controller remembers when it started draining a server.
      if (op.server.weight == 0) at->drain_started = now;
      else at->drain_started.reset();
      return;
    }
    case OperationKind::kRemoveRealServer: {
      ActualService& as = actual.services.at(op.service);
      ASSERT_TRUE(as.owned) << op.text();
      auto at = find_server(as, op.server);
      ASSERT_TRUE(at != as.real_servers.end() && same_endpoint(at->server, op.server)) << op.text();
      as.real_servers.erase(at);
      return;
    }
  }
}

struct Generator {
  std::mt19937 random;
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); }

  ServiceKey key() {
    IpAddress vip = *IpAddress::parse("10.0.0.0");
    vip.bytes[3] = static_cast<uint8_t>(below(6));
    return {vip, static_cast<uint16_t>(80 + below(2)), below(4) == 0 ? Protocol::kUdp : Protocol::kTcp};
  }
  std::vector<RealServer> servers() {
    std::vector<RealServer> out;
    for (int i = 0, n = below(6); i < n; ++i) {
      IpAddress address = *IpAddress::parse("10.2.0.0");
      address.bytes[3] = static_cast<uint8_t>(below(8));
      out.push_back({address, static_cast<uint16_t>(8080 + below(2)), static_cast<uint32_t>(below(4))});
    }
    std::sort(out.begin(), out.end(), endpoint_less);
    out.erase(std::unique(out.begin(), out.end(), same_endpoint), out.end());
    return out;
  }
  Scheduler scheduler() { return below(2) ? Scheduler::kWlc : Scheduler::kSh; }

  Desired desired() {
    Desired d;
    for (int i = 0, n = below(8); i < n; ++i) {
      VirtualService vs;
      vs.key = key();
      vs.scheduler = scheduler();
      vs.persistence_seconds = below(2) * 60;
      vs.owner.configmap_key = "k";
      vs.real_servers = servers();
      d.services[vs.key] = vs;
    }
    return d;
  }
  Actual actual(Time now) {
    Actual a;
    for (int i = 0, n = below(8); i < n; ++i) {
      ActualService as;
      as.key = key();
      as.scheduler = scheduler();
      as.owned = below(5) != 0;
      for (const auto& server : servers()) {
        ActualRealServer rs{server, static_cast<uint32_t>(below(3)), std::nullopt};
        if (server.weight == 0 && below(2)) rs.drain_started = now - std::chrono::seconds(below(600));
        as.real_servers.push_back(rs);
      }
      a.services[as.key] = as;
    }
    return a;
  }
};

TEST(ReconcileProperty, ApplyingTheOperationsReachesTheDesiredState) {
  Generator g{std::mt19937(20261129)};
  for (int round = 0; round < 2000; ++round) {
    Time now = Time() + 100000h;
    Desired desired = g.desired();
    Actual actual = g.actual(now);
    const Actual before = actual;
    DiffOptions options{now, 300s};
    DiffResult last;
    for (int step = 0; step < 4; ++step) {
      options.now = now;
      last = diff(desired, actual, options);
      for (const auto& op : last.operations) {
        apply(actual, op, now);
        if (HasFatalFailure()) FAIL() << "round " << round;
      }
      // A drain the controller did not start (it restarted) starts now.
      for (auto& [key, as] : actual.services)
        for (auto& rs : as.real_servers)
          if (as.owned && rs.server.weight == 0 && !rs.drain_started) rs.drain_started = now;
      now += options.drain_timeout;
    }
    ASSERT_TRUE(last.operations.empty()) << "round " << round << ": " << last.operations.front().text();
    ASSERT_EQ(last.draining, 0u) << "round " << round;
    for (const auto& [key, as] : actual.services) {
      if (!as.owned) {
        const ActualService& was = before.services.at(key);
        ASSERT_EQ(as.real_servers.size(), was.real_servers.size()) << "round " << round << ": foreign " << key.text();
        for (size_t i = 0; i < as.real_servers.size(); ++i)
          ASSERT_EQ(as.real_servers[i].server, was.real_servers[i].server);
        continue;
      }
      auto want = desired.services.find(key);
      ASSERT_NE(want, desired.services.end()) << "round " << round << ": left over " << key.text();
      EXPECT_EQ(as.scheduler, want->second.scheduler);
      EXPECT_EQ(as.persistence_seconds, want->second.persistence_seconds);
      std::vector<RealServer> have;
      for (const auto& rs : as.real_servers) have.push_back(rs.server);
      ASSERT_EQ(have, want->second.real_servers) << "round " << round << ": " << key.text();
    }
    for (const auto& [key, vs] : desired.services) {
      auto it = actual.services.find(key);
      ASSERT_NE(it, actual.services.end()) << "round " << round << ": missing " << key.text();
    }
  }
}

}  // namespace
}  // namespace pier::lb
