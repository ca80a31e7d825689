#include "console/release_service.h"

#include <thread>

#include "catalog/render.h"
#include "console/api_json.h"
#include "console/stored_secrets.h"
#include "openapi/schema.h"
#include "release/deploy_events.h"
#include "release/revision_diff.h"
#include "release/values_diff.h"
#include "store/secret_fields.h"

namespace pier::console {

using nlohmann::json;

struct ReleaseService::Plan {
  std::string kind;  // "install", "upgrade", "rollback"
  store::ReleaseKey key;
  std::string app;
  std::string app_version;
  const json* schema = nullptr;  // null: the app is no longer in the catalog
  release::ManifestSet next;
  json values;  // final, secrets in clear: sealed before they are stored
  std::optional<store::RevisionInfo> previous;
  json previous_values;  // opened
  std::optional<std::string> previous_manifests;  // opened
  int last_deployed = 0;
  RolloutSettings settings;
  bool auto_rollback = false;
  std::string message;
  size_t object_count = 0;
};

namespace {

store::RevisionStatus revision_status(release::ReleaseStatus status) {
  switch (status) {
    case release::ReleaseStatus::kDeployed: return store::RevisionStatus::kDeployed;
    case release::ReleaseStatus::kFailed: return store::RevisionStatus::kFailed;
    case release::ReleaseStatus::kSuperseded: return store::RevisionStatus::kSuperseded;
    case release::ReleaseStatus::kInterrupted: return store::RevisionStatus::kInterrupted;
    case release::ReleaseStatus::kPending: return store::RevisionStatus::kPending;
  }
  return store::RevisionStatus::kFailed;
}

// Store writes made in the background, where nobody can be told to try
// again: a few attempts across a database restart. If they all fail, the
// operation's lease lapses and the reaper marks it interrupted.
template <class F>
auto with_retries(F&& write) -> decltype(write()) {
  auto result = write();
  for (int attempt = 1; attempt < 6 && !result && result.error().retry == Retry::kYes; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200) * (1 << attempt));
    result = write();
  }
  return result;
}

release::DeployOptions deploy_options(const RolloutSettings& settings, bool dry_run) {
  return {.dry_run = dry_run, .wait = settings.wait, .timeout = settings.timeout,
          .force_conflicts = settings.force_conflicts};
}

// Catalog errors name the app's files by their path on the server
// ("/srv/pier/catalog/jetty/schema.json"); API users see them by app
// ("jetty/schema.json"), and the server's layout stays its own.
Error without_server_paths(const catalog::App& app, Error error) {
  const std::string prefix = app.dir.parent_path().string() + "/";
  auto strip = [&](std::string& text) {
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) text.erase(at, prefix.size());
  };
  strip(error.message);
  for (auto& detail : error.details) {
    strip(detail.location);
    strip(detail.message);
  }
  return error;
}

}  // namespace

ReleaseService::ReleaseService(store::Store& store, const AppCatalog& apps, TargetRegistry& targets,
                               const store::SecretBox& box, OperationRunner& runner, ReleaseServiceOptions options)
    : store_(store), apps_(apps), targets_(targets), box_(box), runner_(runner), options_(std::move(options)) {}

const json* ReleaseService::schema_of(std::string_view app) const {
  const catalog::App* found = apps_.find(app);
  return found ? &found->schema : nullptr;
}

json ReleaseService::shown_values(const json& values, const json* schema) const {
  json shown = schema ? store::mask_secret_values(values, *schema) : values;
  // Without the schema, what is sealed still never shows.
  std::function<void(json&)> hide_sealed = [&](json& node) {
    if (node.is_string() && store::SecretBox::looks_sealed(node.get_ref<const std::string&>()))
      node = std::string(store::kMaskedValue);
    else if (node.is_structured())
      for (auto& child : node) hide_sealed(child);
  };
  hide_sealed(shown);
  return shown;
}

Result<json> ReleaseService::opened_values(const store::Revision& revision, const json* schema) const {
  if (!schema) return revision.values;
  auto opened = store::open_secret_values(revision.values, *schema, box_);
  if (!opened)
    return fail(Error::internal("revision " + std::to_string(revision.revision) + " of " + revision.key.to_string() +
                                ": its secret values do not open: " + opened.error().message));
  return opened;
}

// The preset layer of a render: a bundled preset by name, or a saved one
// (the team's, then the shared one) layered over the app's default preset.
Result<void> ReleaseService::layer_preset(const catalog::App& app, const std::optional<std::string>& preset,
                                          std::string_view team, catalog::RenderRequest& request) {
  request.preset = preset;
  if (!preset || preset->empty() || app.presets.contains(*preset)) return {};
  auto saved = store_.get_preset({app.name, std::string(team), *preset});
  if (!saved && saved.error().code == ErrorCode::kNotFound && !team.empty())
    saved = store_.get_preset({app.name, "", *preset});
  if (!saved) {
    if (saved.error().code != ErrorCode::kNotFound) return fail(saved.error());
    return fail(Error::not_found("no preset \"" + *preset + "\" for app " + app.name));
  }
  auto opened = store::open_secret_values(saved->values, app.schema, box_);
  if (!opened) return fail(opened.error());
  request.preset = std::nullopt;  // a saved preset layers over the app's default one
  request.values.push_back(std::move(*opened));
  return {};
}

// What the deploy replaces: the release's latest revision, opened.
Result<void> ReleaseService::load_previous(const store::ReleaseSummary& summary, Plan& plan) {
  plan.previous = summary.latest;
  plan.last_deployed = summary.deployed_revision;
  auto latest = store_.get_revision(summary.latest.key, summary.latest.revision);
  if (!latest) return fail(latest.error());
  auto values = opened_values(*latest, schema_of(latest->app));
  if (!values) return fail(values.error());
  plan.previous_values = std::move(*values);
  auto manifests = open_manifests(latest->manifests, box_);
  if (!manifests) return fail(manifests.error());
  plan.previous_manifests = std::move(*manifests);
  return {};
}

Result<json> ReleaseService::resolve_values(const DefaultsQuery& query) {
  auto app = apps_.require(query.app);
  if (!app) return fail(app.error());
  catalog::RenderRequest request;
  request.release_name = query.release_name;
  request.namespace_name = query.namespace_name.empty() ? "default" : query.namespace_name;
  if (auto layered = layer_preset(**app, query.preset, query.team, request); !layered) return fail(layered.error());
  request.values.push_back(query.values);
  auto resolved = query.validate ? catalog::resolve_values(**app, request) : catalog::resolve_defaults(**app, request);
  if (!resolved) return fail(without_server_paths(**app, resolved.error()));
  return store::mask_secret_values(*resolved, (*app)->schema);
}

Result<ReleaseService::Plan> ReleaseService::plan_deploy(const DeployInput& input) {
  if (auto valid = store::validate(input.key); !valid) return fail(valid.error());
  auto app = apps_.require(input.app);
  if (!app) return fail(app.error());
  if (!targets_.find(input.key.cluster)) {
    auto missing = targets_.open(input.key.cluster);  // for its message with a suggestion
    return fail(missing ? Error::internal("target vanished") : missing.error());
  }

  Plan plan{.key = input.key, .app = (*app)->name, .app_version = (*app)->version, .schema = &(*app)->schema};
  auto summary = store_.get_release(input.key);
  if (summary) {
    if (auto loaded = load_previous(*summary, plan); !loaded) return fail(loaded.error());
  } else if (summary.error().code != ErrorCode::kNotFound) {
    return fail(summary.error());
  }
  plan.kind = plan.previous ? "upgrade" : "install";

  auto values = keep_hidden_secrets(input.values, plan.previous ? &plan.previous_values : nullptr, (*app)->schema);
  if (!values) return fail(values.error());

  catalog::RenderRequest render;
  render.release_name = input.key.name;
  render.namespace_name = input.key.namespace_name;
  if (auto layered = layer_preset(**app, input.preset, input.team, render); !layered) return fail(layered.error());
  render.values.push_back(std::move(*values));
  auto rendered = catalog::render_release(**app, render, openapi::Schema::builtin());
  if (!rendered) return fail(without_server_paths(**app, rendered.error()));
  plan.next = release::ManifestSet::from_rendered(*rendered);
  plan.values = std::move(rendered->values);
  plan.object_count = plan.next.size();
  plan.settings = input.settings;
  plan.auto_rollback = input.auto_rollback;
  plan.message = input.message;
  return plan;
}

Result<ReleaseService::Plan> ReleaseService::plan_rollback(const RollbackInput& input) {
  if (auto valid = store::validate(input.key); !valid) return fail(valid.error());
  auto summary = store_.get_release(input.key);
  if (!summary) return fail(summary.error());
  auto old = store_.get_revision(input.key, input.revision);
  if (!old) return fail(old.error());
  if (!targets_.find(input.key.cluster))
    return fail(Error::not_found("no cluster or target named \"" + input.key.cluster + "\" (it was removed from the console)"));

  Plan plan{.kind = "rollback", .key = input.key, .app = old->app, .app_version = old->app_version,
            .schema = schema_of(old->app)};
  auto values = opened_values(*old, plan.schema);
  if (!values) return fail(values.error());
  plan.values = std::move(*values);
  auto manifests = open_manifests(old->manifests, box_);
  if (!manifests) return fail(manifests.error());
  auto next = release::ManifestSet::from_yaml(*manifests, "revision " + std::to_string(input.revision));
  if (!next) return fail(next.error());
  plan.next = std::move(*next);
  plan.object_count = plan.next.size();

  if (auto loaded = load_previous(*summary, plan); !loaded) return fail(loaded.error());

  plan.settings = input.settings;
  plan.message = input.message.empty() ? "rollback to revision " + std::to_string(input.revision) : input.message;
  return plan;
}

Result<json> ReleaseService::run_dry(const Plan& plan) {
  auto target = targets_.open(plan.key.cluster);
  if (!target) return fail(target.error());
  release::ManifestDeployRequest request{.release = {plan.key.namespace_name, plan.key.name},
                                         .next = plan.next,
                                         .previous_manifests = plan.previous_manifests,
                                         .options = deploy_options(plan.settings, true),
                                         .values = json()};
  auto outcome = release::deploy_manifests(request, (*target)->target(), {}, std::stop_token());
  if (!outcome) return fail(outcome.error());
  if (outcome->error) return fail(*outcome->error);
  std::string before_label = plan.previous ? "revision " + std::to_string(plan.previous->revision) : "none";
  std::vector<const json*> schemas{plan.schema};
  if (plan.previous) schemas.push_back(schema_of(plan.previous->app));
  auto values = release::diff_values(plan.previous ? plan.previous_values : json::object(), plan.values, schemas,
                                     {.before = before_label, .after = "this deploy"});
  return release::RevisionDiff{.values = std::move(values), .objects = std::move(outcome->diff)}.to_json();
}

Result<json> ReleaseService::dry_run(const DeployInput& input) {
  auto plan = plan_deploy(input);
  if (!plan) return fail(plan.error());
  return run_dry(*plan);
}

Result<json> ReleaseService::dry_run_rollback(const RollbackInput& input) {
  auto plan = plan_rollback(input);
  if (!plan) return fail(plan.error());
  return run_dry(*plan);
}

Result<Started> ReleaseService::deploy(const DeployInput& input, const std::string& user) {
  auto plan = plan_deploy(input);
  if (!plan) return fail(plan.error());
  return start(std::move(*plan), user);
}

Result<Started> ReleaseService::rollback(const RollbackInput& input, const std::string& user) {
  auto plan = plan_rollback(input);
  if (!plan) return fail(plan.error());
  return start(std::move(*plan), user);
}

Result<Started> ReleaseService::start(Plan plan, const std::string& user) {
  auto operation = store_.begin_operation({.key = plan.key, .kind = plan.kind, .user = user,
                                           .holder = options_.holder, .lease_ttl = options_.lease_ttl});
  if (!operation) return fail(operation.error());
  auto abandon = [&](const Error& error) {
    store_.append_event(operation->id, release::failed_event(error).to_json());
    store_.finish_operation(operation->id, store::OperationStatus::kFailed, error.message);
    return fail(error);
  };

  static const json kNoSchema = json::object();
  auto sealed_values = store::seal_secret_values(plan.values, plan.schema ? *plan.schema : kNoSchema, box_);
  if (!sealed_values) return abandon(sealed_values.error());
  auto sealed_manifests = seal_manifests(plan.next.to_yaml(), box_);
  if (!sealed_manifests) return abandon(sealed_manifests.error());
  auto revision = store_.create_revision({.key = plan.key,
                                          .app = plan.app,
                                          .app_version = plan.app_version,
                                          .values = std::move(*sealed_values),
                                          .manifests = std::move(*sealed_manifests),
                                          .user = user,
                                          .message = plan.message,
                                          .operation = operation->id});
  if (!revision) return abandon(revision.error());

  if (plan.kind != "rollback") store_.append_event(operation->id, release::validated_event().to_json());
  store_.append_event(operation->id, release::rendered_event(plan.object_count).to_json());
  store_.append_audit({.user = user,
                       .action = "release." + plan.kind,
                       .target = plan.key.to_string(),
                       .details = {{"app", plan.app},
                                   {"app_version", plan.app_version},
                                   {"revision", revision->revision},
                                   {"operation", std::to_string(operation->id.value)},
                                   {"message", plan.message},
                                   {"values", shown_values(plan.values, plan.schema)}}});

  Started started{*operation, *revision};
  auto shared_plan = std::make_shared<Plan>(std::move(plan));
  runner_.start(operation->id, [this, shared_plan, started](std::stop_token stop) { run(*shared_plan, started, stop); });
  return started;
}

void ReleaseService::run(const Plan& plan, const Started& started, std::stop_token stop) {
  const store::OperationId op = started.operation.id;
  auto emit = [&](const release::DeployEvent& event) { with_retries([&] { return store_.append_event(op, event.to_json()); }); };
  auto record = [&](int revision, const release::DeployOutcome& outcome) {
    std::string detail = outcome.error ? outcome.error->message : "";
    with_retries([&] {
      return store_.update_revision_status(plan.key, revision, revision_status(outcome.status), detail);
    });
  };
  auto finish = [&](store::OperationStatus status, const std::string& message) {
    with_retries([&] { return store_.finish_operation(op, status, message); });
    if (options_.on_finished) options_.on_finished(plan.kind, store::to_string(status));
    if (options_.logger)
      options_.logger->info("operation finished", {{"operation", op.value}, {"release", plan.key.to_string()},
                                                   {"status", std::string(store::to_string(status))}});
  };

  auto target = targets_.open(plan.key.cluster);
  if (!target) {
    emit(release::failed_event(target.error()));
    release::DeployOutcome failed{.status = release::ReleaseStatus::kFailed, .error = target.error()};
    record(started.revision.revision, failed);
    finish(store::OperationStatus::kFailed, target.error().message);
    return;
  }
  release::ManifestDeployRequest request{.release = {plan.key.namespace_name, plan.key.name},
                                         .next = plan.next,
                                         .previous_manifests = plan.previous_manifests,
                                         .options = deploy_options(plan.settings, false),
                                         .values = json()};
  auto outcome = release::deploy_manifests(request, (*target)->target(), emit, stop);
  release::DeployOutcome result = outcome ? std::move(*outcome)
                                          : release::DeployOutcome{.status = release::ReleaseStatus::kFailed,
                                                                   .error = outcome.error()};
  record(started.revision.revision, result);

  if (result.status == release::ReleaseStatus::kDeployed) {
    finish(store::OperationStatus::kSucceeded, "revision " + std::to_string(started.revision.revision) + " deployed");
    return;
  }
  std::string why = result.error ? result.error->message : std::string(release::to_string(result.status));
  if (result.status == release::ReleaseStatus::kInterrupted || stop.stop_requested()) {
    finish(store::OperationStatus::kInterrupted, why);
    return;
  }
  if (!plan.auto_rollback || plan.last_deployed == 0) {
    finish(store::OperationStatus::kFailed, why);
    return;
  }

  // Automatic rollback: the last deployed revision again, as a revision of
  // its own, within this operation (the release stays held throughout).
  int good = plan.last_deployed;
  with_retries([&] {
    return store_.append_event(op, {{"type", "rollback"},
                                    {"message", "rolling back to revision " + std::to_string(good) + " (revision " +
                                                    std::to_string(started.revision.revision) + " failed)"},
                                    {"revision", good}});
  });
  auto old = with_retries([&] { return store_.get_revision(plan.key, good); });
  std::optional<std::string> old_manifests;
  if (old) {
    if (auto opened = open_manifests(old->manifests, box_)) old_manifests = std::move(*opened);
  }
  auto old_set = old_manifests ? release::ManifestSet::from_yaml(*old_manifests, "revision " + std::to_string(good))
                               : Result<release::ManifestSet>(fail(Error::internal("revision unreadable")));
  if (!old || !old_set) {
    std::string reason = !old ? old.error().message : old_set.error().message;
    emit(release::failed_event(Error::internal("automatic rollback impossible: " + reason)));
    finish(store::OperationStatus::kFailed, why + "; automatic rollback impossible: " + reason);
    return;
  }
  auto back = with_retries([&] {
    return store_.create_revision({.key = plan.key,
                                   .app = old->app,
                                   .app_version = old->app_version,
                                   .values = old->values,
                                   .manifests = old->manifests,
                                   .user = started.operation.user,
                                   .message = "automatic rollback to revision " + std::to_string(good),
                                   .operation = op});
  });
  if (!back) {
    finish(store::OperationStatus::kFailed, why + "; automatic rollback not recorded: " + back.error().message);
    return;
  }
  release::ManifestDeployRequest rollback{.release = request.release,
                                          .next = std::move(*old_set),
                                          .previous_manifests = plan.next.to_yaml(),
                                          .options = request.options,
                                          .values = json()};
  auto rolled = release::deploy_manifests(rollback, (*target)->target(), emit, stop);
  release::DeployOutcome rolled_result =
      rolled ? std::move(*rolled)
             : release::DeployOutcome{.status = release::ReleaseStatus::kFailed, .error = rolled.error()};
  record(back->revision, rolled_result);
  if (rolled_result.status == release::ReleaseStatus::kDeployed)
    finish(store::OperationStatus::kFailed, why + "; rolled back to revision " + std::to_string(good) +
                                                " (now revision " + std::to_string(back->revision) + ")");
  else if (rolled_result.status == release::ReleaseStatus::kInterrupted)
    finish(store::OperationStatus::kInterrupted, why + "; the rollback was interrupted");
  else
    finish(store::OperationStatus::kFailed,
           why + "; the rollback failed too: " + (rolled_result.error ? rolled_result.error->message : "unknown"));
}

Result<json> ReleaseService::revision_detail(const store::ReleaseKey& key, int number) {
  auto revision = store_.get_revision(key, number);
  if (!revision) return fail(revision.error());
  json out = revision_json(*revision);
  out["values"] = shown_values(revision->values, schema_of(revision->app));
  auto manifests = open_manifests(revision->manifests, box_);
  if (!manifests) return fail(manifests.error());
  out["manifests"] = hide_secret_data(*manifests);
  return out;
}

Result<json> ReleaseService::diff(const store::ReleaseKey& key, int from, int to) {
  auto before = store_.get_revision(key, from);
  if (!before) return fail(before.error());
  auto after = store_.get_revision(key, to);
  if (!after) return fail(after.error());
  auto snapshot = [&](const store::Revision& revision) -> Result<release::RevisionSnapshot> {
    const json* schema = schema_of(revision.app);
    // Without the app's schema the secret fields are unknown: diff the
    // stored values with sealed text hidden, never opened ones.
    json values = schema ? json() : shown_values(revision.values, nullptr);
    if (schema) {
      auto opened = opened_values(revision, schema);
      if (!opened) return fail(opened.error());
      values = std::move(*opened);
    }
    auto manifests = open_manifests(revision.manifests, box_);
    if (!manifests) return fail(manifests.error());
    return release::RevisionSnapshot{.label = "revision " + std::to_string(revision.revision),
                                      .values = std::move(values),
                                      .manifests = std::move(*manifests),
                                      .schema = schema};
  };
  auto a = snapshot(*before);
  if (!a) return fail(a.error());
  auto b = snapshot(*after);
  if (!b) return fail(b.error());
  auto result = release::diff_revisions(*a, *b);
  if (!result) return fail(result.error());
  json out = result->to_json();
  out["from"] = revision_json(*before);
  out["to"] = revision_json(*after);
  return out;
}

}  // namespace pier::console
