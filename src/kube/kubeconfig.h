// kubeconfig files, read and merged the way kubectl reads them.
//
//   auto files = kubeconfig_files(flag_kubeconfig, KubeconfigEnvironment::from_process());
//   auto config = load_kubeconfig(files);                 // merged, paths absolute
//   auto cluster = resolve_context(*config, flag_context); // "" = current-context
//   for (const auto& c : list_contexts(*config)) print(c.name, c.server, c.current);
//
// Which files: `--kubeconfig` alone when given (it must exist); otherwise
// each file of the colon-separated KUBECONFIG list that exists; otherwise
// ~/.kube/config if it exists.
//
// Merging (kubectl's rules): clusters, users and contexts are maps by name
// and the first file to define a name wins (the whole entry, fields are not
// mixed across files); the first file to set current-context wins. Relative
// paths (certificate-authority, client-certificate, client-key, tokenFile,
// an exec command containing '/') are resolved against the directory of the
// file that holds them.
//
// Errors name the file and the field, e.g.
//   "/home/ops/.kube/config: users[2].user.client-key-data: not valid base64"
// with ErrorCode::kInvalidInput (exit 2). Unknown fields are ignored, as
// kubectl does. Secret values never appear in messages.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kube/cluster_config.h"

namespace pier::kube {

// Where an entry was defined: for error messages.
struct KubeconfigOrigin {
  std::string file;
  std::string field;  // "clusters[0]"
};

struct KubeconfigCluster {
  std::string name;
  std::string server;
  PemSource certificate_authority;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  bool disable_compression = false;
  nlohmann::json exec_config;  // extensions[name=client.authentication.k8s.io/exec].extension
  KubeconfigOrigin origin;
};

struct KubeconfigUser {
  std::string name;
  PemSource client_certificate;
  PemSource client_key;
  std::string token;
  std::string token_file;
  std::optional<ExecConfig> exec;
  std::string auth_provider;  // name of an auth-provider entry
  KubeconfigOrigin origin;
};

struct KubeconfigContext {
  std::string name;
  std::string cluster;
  std::string user;
  std::string namespace_name;
  KubeconfigOrigin origin;
};

struct Kubeconfig {
  std::vector<std::string> files;  // read, in precedence order
  // In order of first definition; names are unique.
  std::vector<KubeconfigCluster> clusters;
  std::vector<KubeconfigUser> users;
  std::vector<KubeconfigContext> contexts;
  std::string current_context;
  std::string current_context_file;  // the file that set it

  const KubeconfigCluster* find_cluster(std::string_view name) const;
  const KubeconfigUser* find_user(std::string_view name) const;
  const KubeconfigContext* find_context(std::string_view name) const;
};

// The parts of the process environment kubectl looks at, so tests can set them.
struct KubeconfigEnvironment {
  std::optional<std::string> kubeconfig;  // $KUBECONFIG
  std::optional<std::string> home;        // $HOME

  static KubeconfigEnvironment from_process();
};

// The files to read, in precedence order; empty when there is none (then the
// caller may fall back to in-cluster config). An explicit path is returned
// whether or not it exists (load_kubeconfig then reports it missing).
std::vector<std::filesystem::path> kubeconfig_files(const std::optional<std::string>& explicit_path,
                                                    const KubeconfigEnvironment& environment);

// One file's text. `file` names it in messages and anchors relative paths.
Result<Kubeconfig> parse_kubeconfig(std::string_view text, const std::filesystem::path& file);

// Reads and merges the files. A missing file is an error (kNotFound): pass
// only what kubeconfig_files() returned.
Result<Kubeconfig> load_kubeconfig(const std::vector<std::filesystem::path>& files);

// Merges `next` under `merged`: entries and current-context already in
// `merged` win.
void merge_kubeconfig(Kubeconfig& merged, Kubeconfig next);

// The context `context_name`, or the current-context when empty, with its
// cluster and user looked up and checked as kubectl checks them (a server is
// set, not both a CA and insecure-skip-tls-verify, a key for each client
// certificate, ...). Does not read the files it names; connect() does.
Result<ClusterConfig> resolve_context(const Kubeconfig& kubeconfig, std::string_view context_name = {});

// One line of `pier clusters`.
struct ContextSummary {
  std::string name;
  std::string cluster;
  std::string user;
  std::string namespace_name;  // "default" when the context sets none
  std::string server;          // empty when the cluster is not defined
  bool current = false;
};

std::vector<ContextSummary> list_contexts(const Kubeconfig& kubeconfig);

}  // namespace pier::kube
