// The few defaults of kube-apiserver that clients commonly read back, and
// the addresses it allocates to Services. A real server defaults far more
// (see README.md); these are the ones rollout and load-balancer code uses.
//
//   ServiceAllocator allocator;
//   apply_defaults(object, type, live, allocator);
//
// - Deployment, StatefulSet, ReplicaSet: spec.replicas 1.
// - Pod specs (in pods and every workload template): container and init
//   container ports get protocol TCP.
// - Service: type ClusterIP, sessionAffinity None, ports' protocol TCP and
//   targetPort = port, a clusterIP from 10.96.0.0/12 (kept on update),
//   nodePorts from 30000-32767 for NodePort and LoadBalancer (kept on
//   update), ipFamilies [IPv4], ipFamilyPolicy SingleStack,
//   internalTrafficPolicy Cluster, externalTrafficPolicy Cluster when exposed.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "resource_type.h"

namespace pier::testing::kube_double {

// Hands out Service addresses; guarded by the store lock.
class ServiceAllocator {
 public:
  std::string next_cluster_ip();
  int next_node_port();

 private:
  uint32_t next_ip_offset_ = 10;  // 10.96.0.10 upwards (.1 is the kubernetes Service, .10 often DNS)
  int next_node_port_ = 30000;
};

void apply_defaults(nlohmann::json& object, const ResourceType& type, const nlohmann::json* live,
                    ServiceAllocator& allocator);

}  // namespace pier::testing::kube_double
