// Does a kubeconfig context's cluster answer, and with which Kubernetes
// version: what `pier clusters` and the console's cluster list show. A probe
// connects on its own with a short timeout and no retries, so that an
// unreachable data center costs one timeout.
//
//   ClusterProbe p = probe_cluster(kubeconfig, "prod-bj", std::chrono::seconds(3));
//   p.reachable ? p.version : p.error;   // "v1.35.0" or "context prod-bj: https://...: connection refused"
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "kube/kubeconfig.h"

namespace pier::kube {

struct ClusterProbe {
  bool reachable = false;
  std::string version;  // gitVersion, when reachable
  std::string error;    // why not, never with a credential
};

ClusterProbe probe_cluster(const Kubeconfig& kubeconfig, std::string_view context, std::chrono::milliseconds timeout);

}  // namespace pier::kube
