// One deploy of a release (install, upgrade, or rollback: a rollback is a
// deploy of an old revision's values and app version): validate -> render
// -> plan against the previous revision -> diff with the target's live
// state -> apply in dependency order -> remove what the previous revision
// had and this one has not -> commit -> follow the rollouts.
//
//   DeployRequest request{.app = &app};
//   request.render = {.release_name = "shop-web", .namespace_name = "shop", .values = {values}};
//   request.previous_manifests = last_deployed.manifests;   // nullopt for a first install
//   auto outcome = deploy(request, target, [&](const DeployEvent& e) { store.append(e.to_json()); }, stop);
//   if (!outcome) return http_422(outcome.error());   // invalid values: nothing touched
//   store.save_revision(outcome->status, outcome->values, outcome->manifests);
//
// Events (deploy_events.h) come in order and always end with exactly one
// of done, failed or interrupted. A stop request is honoured between steps
// (and while waiting for rollouts): the outcome is then interrupted, with
// whatever was applied so far applied. Automatic rollback on failure is the
// caller's decision: deploy the last good revision again.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/app.h"
#include "catalog/render.h"
#include "common/error.h"
#include "openapi/schema.h"
#include "release/deploy_events.h"
#include "release/manifest_set.h"
#include "release/object_diff.h"
#include "release/release_ref.h"
#include "release/release_status.h"
#include "release/target.h"

namespace pier::release {

struct DeployOptions {
  bool dry_run = false;  // stop after the diff: nothing is applied
  bool wait = true;      // follow the rollouts until ready, failed or timed out
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // for the wait; zero: no limit
  bool force_conflicts = false;  // take over fields another field manager owns
};

struct DeployRequest {
  const catalog::App* app = nullptr;  // required
  catalog::RenderRequest render;      // values, preset, --set, release name, namespace
  // The YAML stream stored with the revision this one replaces (the last
  // one applied, deployed or not); nullopt for a first install.
  std::optional<std::string> previous_manifests;
  DeployOptions options;
  // The OpenAPI document objects are validated against; null: the built-in
  // Kubernetes one (a cluster's own document knows its CRDs).
  const openapi::Schema* openapi = nullptr;
};

struct DeployOutcome {
  // deployed, failed or interrupted; pending after a dry run (nothing changed).
  ReleaseStatus status = ReleaseStatus::kPending;
  nlohmann::json values;   // the final values, defaults resolved (secret values included: store them encrypted)
  std::string manifests;   // the rendered objects as a YAML stream, for the store (ManifestSet::from_yaml reads it)
  std::vector<ObjectDiff> diff;  // with the target's live state, before anything was applied
  size_t applied = 0;      // objects applied, in plan order
  size_t removed = 0;      // objects of the previous revision deleted
  std::optional<Error> error;  // why it failed, or where it was interrupted
};

// A deploy of objects already rendered and checked: what deploy() does
// after rendering, and what a rollback runs with a stored revision's
// manifests (Helm's rollback also re-applies the stored manifests rather
// than rendering again, so an app version no longer in the catalog rolls
// back the same).
struct ManifestDeployRequest {
  ReleaseRef release;
  ManifestSet next;
  std::optional<std::string> previous_manifests;  // as in DeployRequest
  DeployOptions options;
  nlohmann::json values;  // carried to the outcome
};

// Errors: the previous manifests cannot be read (kInvalidInput), before the
// target is touched. Emits no validated or rendered event: the caller did that.
Result<DeployOutcome> deploy_manifests(const ManifestDeployRequest& request, Target& target, const EventSink& emit,
                                       std::stop_token stop);

// Errors, returned before the target is touched: the values break the
// app's schema (kInvalidInput, one detail per problem with its JSON
// pointer), a template or an object is wrong (kInvalidInput), the previous
// manifests cannot be read, no app. Everything after rendering ends in the
// outcome instead: the console records it as a revision.
Result<DeployOutcome> deploy(const DeployRequest& request, Target& target, const EventSink& emit,
                             std::stop_token stop);

}  // namespace pier::release
