// The health of real servers as Pier's checker sees them, and what it does
// to the desired state. Pure: probes (health_prober.h) produce ProbeResults,
// the checker (health_checker.h) feeds them here, and the controller applies
// the resulting view to what the cluster asks for.
//
//   lb::ServerHealth state;                      // unknown, counted as up
//   if (auto t = lb::observe(state, result, check)) report(*t);   // up -> down, down -> up
//   ...
//   std::vector<lb::ServiceKey> changed = lb::apply_health(desired, checker.snapshot());
//   lb::diff(desired, actual, options, changed);
//
// A real server that is down keeps its place with weight 0: removing it
// would cut its established connections and make it look like an endpoint
// change; weight 0 only stops new ones, and it comes back with one update.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lb/desired_state.h"
#include "lb/health_check_spec.h"
#include "lb/model.h"

namespace pier::lb {

// What one probe saw.
struct ProbeResult {
  bool up = false;
  // MISC_CHECK with misc_dynamic: the weight the script asked for (exit
  // code - 2). nullopt: the configured weight.
  std::optional<uint32_t> weight;
  // Short, for an Event and a log line: "connect to 10.1.0.130:80:
  // connection refused", "HTTP 503, expected 200", "script exited 1".
  std::string message;

  bool operator==(const ProbeResult&) const = default;
};

enum class Health : uint8_t {
  // Not decided yet (no probe, or fewer than `fall` failures since the
  // start). Counted as up: after a controller restart the kernel keeps
  // serving with the weights it has, and answering "down" before a single
  // probe would zero every weight at once (what kube-proxy's restarts did).
  kUnknown,
  kUp,
  kDown,
};

std::string_view name(Health health);  // "unknown", "up", "down"

// The rise/fall state of one real server under one health check.
struct ServerHealth {
  Health health = Health::kUnknown;
  uint32_t consecutive_successes = 0;
  uint32_t consecutive_failures = 0;
  std::optional<uint32_t> dynamic_weight;  // from the last successful probe
  std::string last_message;

  bool counts_as_up() const { return health != Health::kDown; }
  bool operator==(const ServerHealth&) const = default;
};

// A change the controller reports: up -> down or down -> up (unknown counts
// as up, so unknown -> up is silent and unknown -> down is a transition).
struct HealthTransition {
  bool up = false;      // the new state
  std::string message;  // the probe that decided it
  bool operator==(const HealthTransition&) const = default;
};

// One probe's result: goes down after `check.fall` consecutive failures,
// comes back after `check.rise` consecutive successes (0 counts as 1).
// Returns the transition, if this probe made one.
std::optional<HealthTransition> observe(ServerHealth& state, const ProbeResult& result, const HealthCheck& check);

// Whether the probe after this one should come `retry_delay` rather than
// `interval` later: a server that is failing but not yet out is re-checked
// sooner, as keepalived does with delay_before_retry.
bool retry_soon(const ServerHealth& state);

// A real server of one virtual service: the same address:port behind two
// virtual services may be checked differently and is counted separately.
struct RealServerId {
  ServiceKey service;
  IpAddress address;
  uint16_t port = 0;

  std::string text() const;  // "10.1.0.130:80 of 10.1.3.225:80/TCP"
  auto operator<=>(const RealServerId&) const = default;
};

// What apply_health needs of each checked real server. Absent = unknown = up.
struct HealthEntry {
  bool up = true;
  std::optional<uint32_t> weight;  // MISC dynamic weight

  bool operator==(const HealthEntry&) const = default;
};
using HealthView = std::map<RealServerId, HealthEntry>;

// The weight a real server gets: 0 when down; the dynamic weight when its
// script set one; else the desired one. A desired 0 (a terminating
// endpoint draining) stays 0 whatever the check says.
uint32_t effective_weight(uint32_t desired_weight, const HealthEntry* entry);

// Applies the view to a freshly computed (or refreshed) desired state, in
// place. Real servers are never removed, only their weights change.
// Returns the keys whose real servers changed, sorted, for the keyed diff.
// O(checked real servers x log) plus one lookup per real server of the
// services they belong to.
std::vector<ServiceKey> apply_health(Desired& desired, const HealthView& health);

// After a health change: `effective` is `base` (the desired state without
// health) with health applied earlier. Re-derives `keys` from `base` and the
// current view (a key gone from `base` goes from `effective` too) and
// returns those whose real servers actually changed. O(keys x their real
// servers); the rest of `effective` is not touched.
std::vector<ServiceKey> reapply_health(const Desired& base, Desired& effective, const HealthView& health,
                                       std::span<const ServiceKey> keys);

}  // namespace pier::lb
