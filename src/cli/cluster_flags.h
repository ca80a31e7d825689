// The flags every command that talks to a cluster shares, as kubectl spells
// them: --kubeconfig, --context, -n/--namespace; and the connection they
// choose.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "kube/client.h"
#include "kube/connect.h"

namespace pier::cli {

struct ClusterFlags {
  std::string kubeconfig;
  std::string context;
  std::string namespace_name;  // empty: the context's namespace

  void add_to(CLI::App& app, bool with_namespace = true);
  kube::ConnectOptions connect_options() const;
};

// A client for the chosen context and the namespace to use.
struct ClusterSession {
  kube::Connection connection;
  std::unique_ptr<kube::Client> client;
  std::string namespace_name;
};

Result<ClusterSession> open_cluster(const ClusterFlags& flags);

// "30s", "5m", "1h30m", "2.5s", or a bare number of seconds.
Result<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace pier::cli
