#include "kube/cluster_probe.h"

#include "kube/client.h"
#include "kube/connect.h"

namespace pier::kube {

ClusterProbe probe_cluster(const Kubeconfig& kubeconfig, std::string_view context, std::chrono::milliseconds timeout) {
  ClusterProbe result;
  auto config = resolve_context(kubeconfig, context);
  if (!config) {
    result.error = config.error().message;
    return result;
  }
  TransportOptions options;
  options.connect_timeout = timeout;
  options.retry = RetryPolicy::none();
  auto transport = connect(*config, options);
  if (!transport) {
    result.error = transport.error().message;
    return result;
  }
  Client client(*transport, std::string(context));
  auto version = client.server_version();
  if (!version) {
    result.error = version.error().message;
    return result;
  }
  result.reachable = true;
  result.version = version->value("gitVersion", "");
  return result;
}

}  // namespace pier::kube
