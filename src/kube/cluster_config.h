// Everything needed to talk to one cluster as one user: the result of
// choosing a kubeconfig context (kubeconfig.h) or of running in a pod
// (in_cluster.h), and the input of connect() (connect.h).
//
//   ClusterConfig config = *resolve_context(kubeconfig, "prod-bj");
//   auto transport = connect(config);
//   std::string ns = config.namespace_name;  // the context's namespace, "default" if none
//
// Holds secrets (tokens, keys): never print one of these whole.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::kube {

// PEM bytes given inline (a *-data field, already base64-decoded) or a file
// to read when connecting. At most one of the two is set.
struct PemSource {
  std::string data;
  std::string file;  // absolute path

  bool empty() const { return data.empty() && file.empty(); }
};

enum class ExecInteractiveMode {
  kNever,        // stdin is never given to the plugin
  kIfAvailable,  // given when pier's stdin is a terminal
  kAlways,       // the plugin needs a terminal: fail without one
};

// users[].user.exec: a credential plugin (client.authentication.k8s.io).
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command;      // a path (resolved against the kubeconfig's directory) or a name looked up in PATH
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to pier's environment
  std::string install_hint;                              // shown when the plugin cannot run
  bool provide_cluster_info = false;                     // pass spec.cluster in KUBERNETES_EXEC_INFO
  ExecInteractiveMode interactive_mode = ExecInteractiveMode::kIfAvailable;
};

struct ClusterConfig {
  std::string context_name;  // "in-cluster" for a pod's service account
  std::string cluster_name;
  std::string user_name;
  std::string source;  // the kubeconfig file that defined the context, or "in-cluster"

  std::string server;                 // https://host:port[/prefix]
  std::string namespace_name = "default";

  // Server verification. An empty certificate_authority means the system's trust store.
  PemSource certificate_authority;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // name to verify the server certificate against (and send as SNI)
  std::string proxy_url;        // empty: the https_proxy / no_proxy environment, as kubectl
  bool disable_compression = false;

  // Client authentication; several may be set. A bearer token (token,
  // token_file) wins over exec for the Authorization header, as in kubectl;
  // a client certificate is presented in the TLS handshake in any case.
  PemSource client_certificate;
  PemSource client_key;
  std::string token;
  std::string token_file;  // re-read when it changes (projected service account tokens rotate)
  std::optional<ExecConfig> exec;
  // clusters[].cluster.extensions[client.authentication.k8s.io/exec]: handed
  // to an exec plugin as spec.cluster.config when provideClusterInfo is set.
  nlohmann::json exec_cluster_config;
  // users[].user.auth-provider (gcp, oidc, azure): removed from kubectl;
  // connect() refuses it with a pointer to exec plugins.
  std::string auth_provider;
};

}  // namespace pier::kube
