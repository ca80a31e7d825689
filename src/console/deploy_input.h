// What a deploy or rollback request asks for, read from its JSON body
// (docs/api/openapi.yaml: DeployRequest and the rollback body). Every
// problem is reported at once, each at its JSON pointer:
//
//   auto input = parse_deploy_input(key, body);
//   // kInvalidInput "the deploy request is not valid", details
//   //   {"/app", "required: the catalog app to deploy"}, {"/timeout_seconds", "expected an integer from 1 to 86400"}
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/model.h"

namespace pier::console {

struct RolloutSettings {
  bool dry_run = false;
  bool wait = true;  // follow the rollouts until ready, failed or timed out
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  bool force_conflicts = false;
};

struct DeployInput {
  store::ReleaseKey key;
  std::string app;
  std::optional<std::string> preset;  // nullopt: the app's "default" preset when it has one
  std::string team;                   // where saved presets are looked up first
  nlohmann::json values = nlohmann::json::object();
  std::string message;
  RolloutSettings settings;
  bool auto_rollback = false;  // on failure, deploy the last deployed revision again
};

struct RollbackInput {
  store::ReleaseKey key;
  int revision = 0;
  std::string message;
  RolloutSettings settings;
};

Result<DeployInput> parse_deploy_input(const store::ReleaseKey& key, const nlohmann::json& body);
Result<RollbackInput> parse_rollback_input(const store::ReleaseKey& key, const nlohmann::json& body);

}  // namespace pier::console
