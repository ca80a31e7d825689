#include "cli/commands.h"

#include <iostream>

namespace pier::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"render", "Render a catalog app with values into validated Kubernetes manifests", setup_render},
      {"catalog", "Inspect and lint the app catalog", setup_catalog},
      {"clusters", "List the kubeconfig contexts: server, reachable or why not, Kubernetes version", setup_clusters},
      {"apply", "Server-side apply manifests in dependency order, optionally pruning what is gone", setup_apply},
      {"get", "Show objects of a kind from a cluster", setup_get},
      {"rollout", "Follow rollouts (status), as kubectl rollout status, failing fast on crash loops", setup_rollout},
      {"deploy", "Install or upgrade a release through the console (pier serve) and follow it live", setup_deploy},
      {"releases", "List the console's releases: latest revision, status, what is running", setup_releases},
      {"history", "Show a release's revisions, newest first", setup_history},
      {"diff", "Show what differs between two revisions of a release (values and objects)", setup_diff},
      {"rollback", "Deploy an earlier revision of a release again and follow it live", setup_rollback},
      {"serve", "Run the deployment console: REST API, web UI, releases with history, diff and rollback", setup_serve},
      {"lb", "Run the L4 load-balancer controller: ConfigMap and LoadBalancer Services to IPVS, nftables or keepalived", setup_lb},
      {"nginx-metrics", "Turn nginx access logs into Prometheus metrics: QPS, status codes, upstream times per host", setup_nginx_metrics},
      {"version", "Print the version of pier and of its Kubernetes API schema", setup_version},
  };
  return table;
}

int report_error(const Error& error) {
  std::cerr << "pier: error: " << error.describe() << "\n";
  return exit_code_for(error);
}

}  // namespace pier::cli
