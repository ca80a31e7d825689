// What the load balancer should look like, computed from what the cluster
// says: the ConfigMap, the Services and their EndpointSlices. Pure: the
// controller reads its informer caches into a Snapshot and calls this.
//
//   lb::Desired desired = lb::compute_desired(snapshot);
//   for (const auto& p : desired.problems) report(p);        // each rejected alone
//   for (const auto& [service, ingress] : desired.ingress) write_status(service, ingress);
//
// When only a Service's EndpointSlices changed, refresh_endpoints() updates
// its virtual services in place (no full recomputation) and names them for
// an incremental diff.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lb/model.h"

namespace pier::lb {

struct Config {
  // For LoadBalancer Services without spec.loadBalancerIP or the annotation
  // `pier.io/lb-vip`: CIDRs, FIRST-LAST ranges or single addresses.
  std::vector<std::string> vip_pool;
  Scheduler scheduler = Scheduler::kWlc;     // when an entry sets none
  Forwarding forwarding = Forwarding::kNat;  // when an entry sets none
  uint32_t weight = 1;                       // of a ready endpoint
  // LoadBalancer Services with another spec.loadBalancerClass belong to
  // another implementation; those without one are ours.
  std::string load_balancer_class = "pier.io/lb";
};

inline constexpr const char* kVipAnnotation = "pier.io/lb-vip";

struct Snapshot {
  std::map<std::string, std::string> configmap;  // its `data`
  std::vector<nlohmann::json> services;          // v1 Service objects as the API returns them
  std::vector<nlohmann::json> endpoint_slices;   // discovery.k8s.io/v1 EndpointSlice objects
  Config config;
};

struct Desired {
  std::map<ServiceKey, VirtualService> services;
  // "namespace/name" of a Service -> the virtual services its endpoints feed.
  std::map<std::string, std::vector<ServiceKey>> by_service;
  // "namespace/name" of each LoadBalancer Service Pier handles -> the value
  // of its status.loadBalancer.ingress ([] when none of its ports got a VIP).
  std::map<std::string, nlohmann::json> ingress;
  std::vector<Problem> problems;
};

// Conflicts (the same VIP:port/protocol claimed twice) are decided the same
// way every time: a ConfigMap VIP-PORT key, then a ConfigMap VIP key, then a
// LoadBalancer Service; among equals the smaller key or namespace/name. The
// loser's port is rejected with a Problem naming the winner; its other ports
// still work.
Desired compute_desired(const Snapshot& snapshot);

// Recomputes the real servers of the virtual services fed by `service`
// ("namespace/name") from its current EndpointSlices; returns the keys whose
// real servers changed. O(its virtual services x its endpoints), independent
// of the size of the rest. A change of the Service itself (ports, type, VIP)
// or of the ConfigMap needs compute_desired.
std::vector<ServiceKey> refresh_endpoints(Desired& desired, const std::string& service,
                                          const std::vector<const nlohmann::json*>& slices, const Config& config);

}  // namespace pier::lb
