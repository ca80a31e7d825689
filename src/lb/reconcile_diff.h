// The operations that take the dataplane from what it has (Actual, read
// from the kernel or the dataplane's own state) to what is desired; only
// what differs, only on virtual services Pier owns.
//
//   lb::DiffOptions options{.now = clock.now()};
//   lb::DiffResult result = lb::diff(desired, actual, options);
//   for (const auto& op : result.operations) dataplane.apply(op);
//
// A restart is nothing special: the kernel's state is the Actual, and equal
// real servers and weights give no operation (kube-proxy zeroed them).
//
// Complexity: the full diff walks both sides once, O(S + R) for S virtual
// services and R real servers, and emits O(changes) operations. The
// incremental form takes the keys that changed (refresh_endpoints) and costs
// O(k log S + their real servers): one endpoint change in a 20,000-service
// state is one or two operations, computed in microseconds.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lb/desired_state.h"
#include "lb/model.h"

namespace pier::lb {

struct ActualRealServer {
  RealServer server;
  uint32_t active_connections = 0;  // IPVS activeconns
  // When Pier set its weight to 0 because it left. The controller keeps
  // this (the kernel does not): it stamps the time when it applies the
  // weight-0 operation, and stamps "now" for a weight-0 leaving server it
  // finds without one (after a restart), so such a drain starts over.
  // Without a time, only its connections reaching 0 remove it.
  std::optional<std::chrono::steady_clock::time_point> drain_started;
};

struct ActualService {
  ServiceKey key;
  Scheduler scheduler = Scheduler::kWlc;
  Forwarding forwarding = Forwarding::kNat;
  uint32_t persistence_seconds = 0;
  // False for virtual services someone else made (ipvsadm by hand, another
  // controller): never changed, never removed.
  bool owned = false;
  std::vector<ActualRealServer> real_servers;  // sorted by endpoint_less, unique
};

struct Actual {
  std::map<ServiceKey, ActualService> services;
};

struct DiffOptions {
  std::chrono::steady_clock::time_point now;
  // A leaving real server with connections is deleted after this long at weight 0.
  std::chrono::seconds drain_timeout{300};
};

enum class OperationKind : uint8_t {
  kAddService,
  kUpdateService,  // scheduler, forwarding or persistence changed
  kRemoveService,
  kAddRealServer,
  kUpdateRealServer,  // weight changed (0 = start draining)
  kRemoveRealServer,
};

// Each operation carries the service's attributes (IPVS wants them on every
// destination call; forwarding is per destination there: an UpdateService
// that changes it means editing each destination too).
struct Operation {
  OperationKind kind = OperationKind::kAddService;
  ServiceKey service;
  Scheduler scheduler = Scheduler::kWlc;
  Forwarding forwarding = Forwarding::kNat;
  uint32_t persistence_seconds = 0;
  RealServer server;  // for the real-server kinds

  std::string text() const;  // "add real server 10.1.0.130:80 weight 1 to 10.1.3.225:80/TCP"
  bool operator==(const Operation&) const = default;
};

struct DiffResult {
  // Per service: service added or updated first, then its real servers;
  // a removed service comes after its real servers are drained.
  std::vector<Operation> operations;
  // Desired virtual services that a foreign one already occupies: skipped.
  std::vector<Problem> problems;
  // Leaving real servers still draining: diff again later (their connections
  // or the deadline), even if nothing else changes.
  size_t draining = 0;
};

DiffResult diff(const Desired& desired, const Actual& actual, const DiffOptions& options);

// Only the virtual services in `keys` (from refresh_endpoints), both sides.
DiffResult diff(const Desired& desired, const Actual& actual, const DiffOptions& options,
                std::span<const ServiceKey> keys);

}  // namespace pier::lb
