// The bodies of the two requests that change a release:
// POST /api/v1/releases/{cluster}/{namespace}/{name}/deploy and .../rollback.
//
//   DeployRequest deploy{.app = "jetty", .values = merged, .wait = true};
//   client.post(release_path(web, "deploy"), deploy.to_json());
//   // {"app":"jetty","values":{...},"dry_run":false,"wait":true,"timeout_seconds":300,
//   //  "force_conflicts":false,"auto_rollback":false}
//
// Optional strings (preset, team, message) are left out when empty, so the
// server applies its own defaults.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace pier::console_client {

inline constexpr std::chrono::seconds kDefaultOperationTimeout{300};

// Whole seconds, rounded up, at least 1: "2.5s" waits 3 s rather than 2.
int timeout_seconds(std::chrono::milliseconds timeout);

struct DeployRequest {
  std::string app;
  std::string preset;
  std::string team;
  nlohmann::json values = nlohmann::json::object();
  std::string message;
  bool dry_run = false;
  bool wait = false;  // follow the rollout until the workloads are ready
  std::chrono::milliseconds timeout = kDefaultOperationTimeout;
  bool force_conflicts = false;
  bool auto_rollback = false;

  nlohmann::json to_json() const;
};

struct RollbackRequest {
  long long revision = 0;
  std::string message;
  bool dry_run = false;
  bool wait = false;
  std::chrono::milliseconds timeout = kDefaultOperationTimeout;

  nlohmann::json to_json() const;
};

}  // namespace pier::console_client
