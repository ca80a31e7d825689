// `pier serve`: the deployment console. Wires the store, the catalog, the
// targets, the release service, the API routes and the web UI's files onto
// one HTTP server, and owns their order of start and stop.
//
//   ConsoleOptions options;
//   options.data_dir = "/var/lib/pier";          // pier.db, secret.key, admin.token
//   options.catalog_dir = "catalog";
//   options.gitops.push_back({.name = "local", .dir = "/var/lib/pier/gitops"});
//   auto console = Console::open(options);       // errors: database, catalog, kubeconfig, clusters file
//   auto port = (*console)->start();
//   ...
//   (*console)->stop();   // deploys get `shutdown_grace` to finish, then end interrupted
//
// On open: the database is migrated; operations whose worker died are
// interrupted; a first start creates the user "admin" and writes its token
// to DATA_DIR/admin.token (mode 0600) — the only place it is ever shown.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "console/clusters_file.h"
#include "kube/rollout_watcher.h"
#include "server/server_options.h"

namespace pier::console {

struct ConsoleOptions {
  std::filesystem::path data_dir;  // required: created if missing
  std::string database;            // "" : SQLite at DATA_DIR/pier.db; or postgres://...
  std::filesystem::path secret_key_file;  // "" : DATA_DIR/secret.key (created on first start)
  std::filesystem::path catalog_dir;
  std::optional<std::string> kubeconfig;  // nullopt: KUBECONFIG, then ~/.kube/config (none is fine)
  bool use_kubeconfig = true;
  std::optional<std::filesystem::path> clusters_file;
  std::vector<GitopsEntry> gitops;        // besides the clusters file's
  std::filesystem::path web_dir;          // the web UI's built files; "" : none
  server::ServerOptions server;
  std::chrono::milliseconds lease_ttl{15'000};
  std::chrono::milliseconds shutdown_grace{20'000};
  kube::RolloutWaitOptions rollout;  // how rollouts are followed (tests poll faster)
};

class Console {
 public:
  static Result<std::unique_ptr<Console>> open(ConsoleOptions options);
  ~Console();

  // Binds and serves; returns the port.
  Result<std::uint16_t> start();
  // Readiness off, running deploys get the grace to finish (then end
  // interrupted), streams end, the server stops.
  void stop();

  std::uint16_t port() const;
  // Where the first admin token is (DATA_DIR/admin.token).
  const std::filesystem::path& admin_token_file() const;
  // A summary for the start-up banner: apps, targets by data center.
  std::vector<std::string> describe() const;

 private:
  struct Parts;
  explicit Console(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// "host/pid/random": names this process in operations, unique across restarts.
std::string make_holder_name();

}  // namespace pier::console
