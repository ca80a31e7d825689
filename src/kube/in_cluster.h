// In-cluster configuration: how a pod reaches the API server with its
// service account, as client-go's rest.InClusterConfig does.
//
//   auto source = InClusterSource::from_process();
//   if (source.available()) auto config = in_cluster_config(source);
//
// The server comes from KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT, the
// CA, token and namespace from the service account volume. The token is not
// read here: ClusterConfig::token_file names it, and the credentials re-read
// it when the kubelet rotates it (see credentials.h, TokenFileSource).
#pragma once

#include <filesystem>
#include <string>

#include "common/error.h"
#include "kube/cluster_config.h"

namespace pier::kube {

struct InClusterSource {
  std::string service_host;  // $KUBERNETES_SERVICE_HOST
  std::string service_port;  // $KUBERNETES_SERVICE_PORT
  // Overridable for tests; the files are token, ca.crt and namespace.
  std::filesystem::path account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  static InClusterSource from_process();

  // The environment variables are set and the token file exists.
  bool available() const;
};

// kInvalidInput when the environment is incomplete, kNotFound when the token
// or CA file is missing. namespace_name is read from the namespace file
// ("default" when it is missing).
Result<ClusterConfig> in_cluster_config(const InClusterSource& source);

}  // namespace pier::kube
