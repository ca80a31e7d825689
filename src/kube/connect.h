// From "which cluster" to a Transport: the glue the CLI and the daemons use.
//
//   ConnectOptions options;                 // environment read from the process
//   options.kubeconfig = flags.kubeconfig;  // --kubeconfig, if given
//   options.context = flags.context;        // --context, if given
//   auto connection = connect(options);
//   if (!connection) { print(connection.error().message); return exit_code_for(connection.error()); }
//   kube::Client client(connection->transport, connection->config.context_name);
//   std::string ns = connection->config.namespace_name;
//
// Choosing the cluster, as kubectl does: --kubeconfig, else the KUBECONFIG
// list, else ~/.kube/config; then --context, else current-context. When no
// kubeconfig file exists (or the ones that exist define nothing) and the
// process runs in a pod (KUBERNETES_SERVICE_HOST/PORT and a service account
// token), the pod's service account is used.
//
// Credentials: a token or tokenFile wins over an exec plugin (as kubectl:
// a set Authorization header is not replaced); a client certificate is
// presented whatever else is set.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "kube/cluster_config.h"
#include "kube/credentials.h"
#include "kube/in_cluster.h"
#include "kube/kubeconfig.h"
#include "kube/retry_policy.h"
#include "kube/transport.h"

namespace pier::kube {

// How the transport behaves, whatever the cluster.
struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  RetryPolicy retry;
  ExecPluginOptions exec;  // cluster_info is filled in from the cluster
  const Clock* clock = &SystemClock::instance();
  std::string user_agent = "pier";
  std::function<void(const std::string&)> warn;  // insecure-skip-tls-verify warning; empty: stderr
};

struct ConnectOptions {
  std::optional<std::string> kubeconfig;  // --kubeconfig
  std::optional<std::string> context;     // --context
  KubeconfigEnvironment environment = KubeconfigEnvironment::from_process();
  InClusterSource in_cluster = InClusterSource::from_process();
  TransportOptions transport;
};

struct Connection {
  ClusterConfig config;  // context name, namespace, server: what messages and defaults need
  std::shared_ptr<Transport> transport;
};

// The credentials a cluster config asks for; nullptr when it asks for none.
// `ca_pem` goes to an exec plugin that wants the cluster's details.
Result<std::shared_ptr<CredentialSource>> make_credential_source(const ClusterConfig& config, const std::string& ca_pem,
                                                                 const TransportOptions& options);

// Reads the files the config names (CA, client certificate and key) and
// builds a CurlTransport. Errors name the context and the file.
Result<std::shared_ptr<Transport>> connect(const ClusterConfig& config, const TransportOptions& options = {});

// Which cluster (see above), without connecting.
Result<ClusterConfig> choose_cluster(const ConnectOptions& options);

// choose_cluster(), then connect().
Result<Connection> connect(const ConnectOptions& options);

}  // namespace pier::kube
