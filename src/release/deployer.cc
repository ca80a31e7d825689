#include "release/deployer.h"

#include "release/manifest_set.h"
#include "release/release_plan.h"

namespace pier::release {

namespace {

std::string objects_text(size_t n) { return std::to_string(n) + (n == 1 ? " object" : " objects"); }

// The effect half of a deploy, once the plan is known: each step reports
// to the outcome and the events, and the first failure or stop ends it.
class DeployRun {
 public:
  DeployRun(const DeployOptions& options, Target& target, const EventSink& emit, std::stop_token stop)
      : options_(options), target_(target), emit_(emit ? emit : [](const DeployEvent&) {}), stop_(std::move(stop)) {}

  DeployOutcome run(const ReleasePlan& plan, DeployOutcome outcome) {
    outcome_ = std::move(outcome);
    const DeployOptions& options = options_;
    ApplySettings settings{.force_conflicts = options.force_conflicts};

    if (stopped("before comparing with " + target_.describe())) return finish();
    auto diff = target_.live_diff(plan, settings);
    if (!diff) return failed(diff.error());
    outcome_.diff = std::move(*diff);
    emit(diffed_event(count_changes(outcome_.diff)));
    if (options.dry_run) {
      emit(done_event("dry run: nothing applied to " + target_.describe(), true));
      return std::move(outcome_);
    }

    for (size_t i = 0; i < plan.apply.size(); ++i) {
      if (stopped("after applying " + std::to_string(i) + " of " + objects_text(plan.apply.size()))) return finish();
      if (auto applied = target_.apply(plan, i, settings); !applied) return failed(applied.error());
      ++outcome_.applied;
      emit(applied_event(i + 1, plan.apply.size(), plan.apply[i].key));
    }
    for (size_t i = 0; i < plan.remove.size(); ++i) {
      if (stopped("after removing " + std::to_string(i) + " of " + objects_text(plan.remove.size()))) return finish();
      if (auto removed = target_.remove(plan, i); !removed) return failed(removed.error());
      ++outcome_.removed;
      emit(removed_event(i + 1, plan.remove.size(), plan.remove[i].key));
    }
    if (stopped("before committing to " + target_.describe())) return finish();
    if (auto committed = target_.commit(plan); !committed) return failed(committed.error());

    if (options.wait) {
      ReadyOutcome ready = target_.wait_ready(plan, emit_, options.timeout, stop_);
      if (ready.state == ReadyState::kStopped) {
        interrupt("while waiting for the rollout");
        return finish();
      }
      if (ready.state == ReadyState::kFailed)
        return failed(ready.error.value_or(Error::internal("the target did not say why the rollout failed")));
    }
    outcome_.status = ReleaseStatus::kDeployed;
    std::string summary = "deployed to " + target_.describe() + ": " + objects_text(outcome_.applied) + " applied";
    if (outcome_.removed > 0) summary += ", " + objects_text(outcome_.removed) + " removed";
    if (options.wait) summary += ", ready";
    emit(done_event(std::move(summary), false));
    return std::move(outcome_);
  }

 private:
  void emit(const DeployEvent& event) { emit_(event); }

  bool stopped(const std::string& where) {
    if (!stop_.stop_requested()) return false;
    interrupt(where);
    return true;
  }

  void interrupt(const std::string& where) {
    outcome_.status = ReleaseStatus::kInterrupted;
    outcome_.error = Error::make(ErrorCode::kUnavailable, "interrupted " + where, Retry::kYes);
    emit(interrupted_event(where));
  }

  DeployOutcome failed(Error error) {
    outcome_.status = ReleaseStatus::kFailed;
    emit(failed_event(error));
    outcome_.error = std::move(error);
    return finish();
  }

  DeployOutcome finish() { return std::move(outcome_); }

  const DeployOptions& options_;
  Target& target_;
  EventSink emit_;  // never empty: targets may call it without checking
  std::stop_token stop_;
  DeployOutcome outcome_;
};

}  // namespace

Result<DeployOutcome> deploy(const DeployRequest& request, Target& target, const EventSink& emit,
                             std::stop_token stop) {
  auto refuse = [&](Error error) -> Result<DeployOutcome> {
    if (emit) emit(failed_event(error));
    return fail(std::move(error));
  };
  if (!request.app) return refuse(Error::internal("deploy: no app given"));
  const catalog::App& app = *request.app;

  // Validation first on its own, so that a wrong value is reported as such
  // (every problem) before any template runs.
  auto values = catalog::resolve_values(app, request.render);
  if (!values) return refuse(values.error());
  if (emit) emit(validated_event());

  const openapi::Schema& openapi = request.openapi ? *request.openapi : openapi::Schema::builtin();
  auto rendered = catalog::render_release(app, request.render, openapi);
  if (!rendered) return refuse(rendered.error());
  ManifestSet next = ManifestSet::from_rendered(*rendered);
  if (emit) emit(rendered_event(next.size()));

  ReleaseRef release{request.render.namespace_name,
                     request.render.release_name.empty() ? app.name : request.render.release_name};
  ManifestDeployRequest manifests{.release = std::move(release),
                                  .next = std::move(next),
                                  .previous_manifests = request.previous_manifests,
                                  .options = request.options,
                                  .values = std::move(rendered->values)};
  return deploy_manifests(manifests, target, emit, std::move(stop));
}

Result<DeployOutcome> deploy_manifests(const ManifestDeployRequest& request, Target& target, const EventSink& emit,
                                       std::stop_token stop) {
  ManifestSet previous;
  if (request.previous_manifests) {
    auto read = ManifestSet::from_yaml(*request.previous_manifests, "previous revision");
    if (!read) {
      Error error = read.error();
      error.message = "the previous revision's manifests: " + error.message;
      if (emit) emit(failed_event(error));
      return fail(std::move(error));
    }
    previous = std::move(*read);
  }
  ReleasePlan plan = plan_release(request.release, previous, request.next);

  DeployOutcome outcome;
  outcome.values = request.values;
  outcome.manifests = request.next.to_yaml();
  return DeployRun(request.options, target, emit, std::move(stop)).run(plan, std::move(outcome));
}

}  // namespace pier::release
