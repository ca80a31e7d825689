// What the controller needs from a dataplane (ipvs, nftables, keepalived):
// read what it has, apply the core's operations, read traffic counters.
// Each dataplane is a small layer over its effect (netlink, libnftables, a
// file and a reload); the decisions stay in the pure core.
//
//   lb::Result<lb::Actual> actual = dataplane.read_actual();
//   lb::DiffResult d = lb::diff(desired, *actual, {.now = now});
//   lb::ApplyReport report = dataplane.apply(d.operations);
//   for (const auto& f : report.failed) log(f.operation.text(), f.error.message);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "lb/model.h"
#include "lb/reconcile_diff.h"

namespace pier::lb {

// Cumulative counters as the kernel keeps them (IPVS stats64, nft counters).
// A dataplane that cannot count something leaves it 0.
struct TrafficCounters {
  uint64_t connections = 0;
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;

  bool operator==(const TrafficCounters&) const = default;
};

struct RealServerTraffic {
  IpAddress address;
  uint16_t port = 0;
  TrafficCounters counters;
};

struct ServiceTraffic {
  ServiceKey key;
  TrafficCounters counters;
  std::vector<RealServerTraffic> real_servers;
};

struct FailedOperation {
  Operation operation;
  Error error;  // error.retry says whether the next sync may succeed
};

struct ApplyReport {
  size_t applied = 0;
  // One failure does not stop the others: the rest of the diff is applied.
  std::vector<FailedOperation> failed;
};

class Dataplane {
 public:
  virtual ~Dataplane() = default;

  virtual std::string_view name() const = 0;  // "ipvs", "nftables", "keepalived"

  // The state to diff against: Pier's own virtual services (owned = true)
  // and, where the dataplane can see them, foreign ones (owned = false, never
  // touched). Called at start-up and after a failure asked for a re-sync.
  virtual Result<Actual> read_actual() = 0;

  // The real servers of one of Pier's services as they are now: the kernel
  // counts active connections without Pier, and whether a leaving real
  // server drains or goes at once depends on them. nullopt: the dataplane
  // knows nothing fresher than what it applied (connections survive in
  // conntrack, or it has no connection counts).
  virtual Result<std::optional<std::vector<ActualRealServer>>> read_real_servers(const ServiceKey&) {
    return std::optional<std::vector<ActualRealServer>>{};
  }

  // Applies the operations in order, as far as possible.
  virtual ApplyReport apply(std::span<const Operation> operations) = 0;

  // Counters of Pier's virtual services and their real servers.
  virtual Result<std::vector<ServiceTraffic>> read_traffic() = 0;
};

}  // namespace pier::lb
