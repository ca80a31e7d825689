// The leader election record: the spec of a coordination.k8s.io/v1 Lease,
// and how it is read from and written into the Lease object.
//
//   LeaseRecord record = LeaseRecord::of(lease_json);
//   record.holder_identity;             // "" = nobody holds it
//   record.write_to(lease_json);        // spec fields set, the others kept
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kube/resource.h"

namespace pier::kube {

// coordination.k8s.io/v1 Lease.
GroupVersionKind lease_kind();

struct LeaseRecord {
  std::string holder_identity;
  int64_t lease_duration_seconds = 0;
  std::string acquire_time;  // RFC 3339 with microseconds, as written (never parsed: see lease_decision.h)
  std::string renew_time;
  int64_t lease_transitions = 0;

  // From lease.spec; missing fields read as empty or zero.
  static LeaseRecord of(const nlohmann::json& lease);

  // Sets the record's fields in lease.spec, keeping any other spec field
  // (strategy, preferredHolder) and the metadata (resourceVersion).
  void write_to(nlohmann::json& lease) const;

  friend bool operator==(const LeaseRecord&, const LeaseRecord&) = default;
};

// A new Lease object holding `record`.
nlohmann::json make_lease(std::string_view namespace_name, std::string_view name, const LeaseRecord& record);

// Kubernetes MicroTime: "2026-11-29T11:27:03.123456Z" (UTC, microseconds).
std::string format_micro_time(std::chrono::system_clock::time_point time);

}  // namespace pier::kube
