// The console's release lifecycle: dry runs, deploys and rollbacks of a
// release, each deploy an operation that holds the release (one at a time,
// across replicas), records a revision and streams events, and the views of
// history (one revision, the diff of two). Routes (routes_releases.cc)
// translate HTTP to these calls and back.
//
//   ReleaseService releases(services);
//   auto diff = releases.dry_run(input);            // nothing stored, nothing applied
//   auto started = releases.deploy(input, "alice");  // 422 invalid values, 404 app/cluster, 409 held
//   started->operation.id;                           // follow GET /operations/{id}/events
//
// A deploy: values (preset, then the form; "********" keeps a secret of the
// previous revision) -> validate and render (errors here are the answer:
// nothing is stored) -> take the release (begin_operation) -> revision N
// pending, its values and manifests sealed -> in the background: apply in
// dependency order, remove what the previous revision had and this one has
// not, follow the rollouts -> revision deployed, failed or interrupted. On
// failure with auto_rollback, the last deployed revision is deployed again
// within the same operation, as a revision of its own.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog/app.h"
#include "catalog/render.h"
#include "common/error.h"
#include "console/app_catalog.h"
#include "console/deploy_input.h"
#include "console/operation_runner.h"
#include "console/target_registry.h"
#include "release/deployer.h"
#include "server/json_log.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace pier::console {

struct ReleaseServiceOptions {
  std::string holder;  // this process, as operations name it: "host/pid/nonce"
  std::chrono::milliseconds lease_ttl{15'000};
  const server::Logger* logger = nullptr;
  // Called once per operation as it ends: its kind and final status (for metrics).
  std::function<void(std::string_view kind, std::string_view status)> on_finished;
};

struct DefaultsQuery {
  std::string app;
  std::optional<std::string> preset;  // nullopt: the app's default preset
  std::string team;
  nlohmann::json values = nlohmann::json::object();
  std::string release_name;            // what templates and template defaults see; "" : the app's name
  std::string namespace_name = "default";
  bool validate = true;
};

struct Started {
  store::Operation operation;
  store::RevisionInfo revision;
};

class ReleaseService {
 public:
  ReleaseService(store::Store& store, const AppCatalog& apps, TargetRegistry& targets, const store::SecretBox& box,
                 OperationRunner& runner, ReleaseServiceOptions options);

  // The values a deploy would use (preset, then `values`, defaults
  // resolved), secrets shown as "********"; the schema's errors as
  // kInvalidInput unless `validate` is off (a form still being filled in).
  Result<nlohmann::json> resolve_values(const DefaultsQuery& query);

  // Diffs against what is live: {"values": ..., "objects": [...], "counts": {...}}.
  Result<nlohmann::json> dry_run(const DeployInput& input);
  Result<Started> deploy(const DeployInput& input, const std::string& user);
  Result<nlohmann::json> dry_run_rollback(const RollbackInput& input);
  Result<Started> rollback(const RollbackInput& input, const std::string& user);

  // One revision with its values (secrets "********") and manifests (Secret data hidden).
  Result<nlohmann::json> revision_detail(const store::ReleaseKey& key, int revision);
  // Values and manifests of two revisions, secrets masked.
  Result<nlohmann::json> diff(const store::ReleaseKey& key, int from, int to);

 private:
  struct Plan;  // what a deploy will do, decided before the release is taken

  Result<void> layer_preset(const catalog::App& app, const std::optional<std::string>& preset, std::string_view team,
                            catalog::RenderRequest& request);
  Result<void> load_previous(const store::ReleaseSummary& summary, Plan& plan);
  Result<Plan> plan_deploy(const DeployInput& input);
  Result<Plan> plan_rollback(const RollbackInput& input);
  Result<nlohmann::json> run_dry(const Plan& plan);
  Result<Started> start(Plan plan, const std::string& user);
  void run(const Plan& plan, const Started& started, std::stop_token stop);

  Result<nlohmann::json> opened_values(const store::Revision& revision, const nlohmann::json* schema) const;
  nlohmann::json shown_values(const nlohmann::json& values, const nlohmann::json* schema) const;
  const nlohmann::json* schema_of(std::string_view app) const;

  store::Store& store_;
  const AppCatalog& apps_;
  TargetRegistry& targets_;
  const store::SecretBox& box_;
  OperationRunner& runner_;
  ReleaseServiceOptions options_;
};

}  // namespace pier::console
