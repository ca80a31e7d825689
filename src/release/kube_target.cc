#include "release/kube_target.h"

#include <algorithm>

namespace pier::release {

namespace {

using nlohmann::json;

const DiffLabels kLiveLabels{"live", "after apply"};

Error with_context(Error error, const std::string& what) {
  error.message = what + ": " + error.message;
  return error;
}

bool is_namespace(const ObjectKey& key) { return key.group.empty() && key.kind == "Namespace"; }

PodProblemReport report_of(const kube::PodProblem& problem) {
  return {problem.pod, problem.container, problem.reason, problem.message, problem.describe()};
}

}  // namespace

bool has_rollout(const ObjectKey& key) {
  return key.group == "apps" && (key.kind == "Deployment" || key.kind == "StatefulSet" || key.kind == "DaemonSet");
}

KubeTarget::KubeTarget(kube::Client& client, KubeTargetOptions options)
    : client_(client), options_(std::move(options)) {}

std::string KubeTarget::describe() const { return "cluster " + client_.context_name(); }

kube::ApplyOptions KubeTarget::apply_options(const ApplySettings& settings, bool dry_run) const {
  kube::ApplyOptions options;
  options.field_manager = options_.field_manager;
  options.force = settings.force_conflicts;
  options.dry_run = dry_run;
  return options;
}

Result<ObjectDiff> KubeTarget::diff_applied(const ManifestObject& object, const ApplySettings& settings,
                                            const std::vector<std::string>& namespaces_created) {
  const std::string what = "dry run of " + object.key.display();
  auto would_be = client_.apply(object.object, apply_options(settings, true));
  if (!would_be) {
    const std::string& ns = object.key.namespace_name;
    bool namespace_created_here =
        std::find(namespaces_created.begin(), namespaces_created.end(), ns) != namespaces_created.end();
    if (would_be.error().code == ErrorCode::kNotFound && namespace_created_here) {
      ObjectDiff added = diff_object(object.key, nullptr, &object.object, kLiveLabels);
      added.note = "not checked by the server: namespace " + ns + " does not exist yet";
      return added;
    }
    return fail(with_context(would_be.error(), what));
  }
  auto live = client_.get(kube::GroupVersionKind::of(object.object), object.key.namespace_name, object.key.name);
  if (!live) {
    // A new object is shown as rendered: the dry run's answer has values
    // the server makes up again on the real create (clusterIP, uid).
    if (live.error().code == ErrorCode::kNotFound) return diff_object(object.key, nullptr, &object.object, kLiveLabels);
    return fail(with_context(live.error(), "read " + object.key.display()));
  }
  json before = without_server_fields(*live);
  json after = without_server_fields(*would_be);
  return diff_object(object.key, &before, &after, kLiveLabels);
}

Result<std::vector<ObjectDiff>> KubeTarget::live_diff(const ReleasePlan& plan, const ApplySettings& settings) {
  // Namespaces of the plan that do not exist yet: the server cannot dry-run
  // objects inside them.
  std::vector<std::string> namespaces_created;
  for (const auto& o : plan.apply) {
    if (!is_namespace(o.key)) continue;
    auto live = client_.get({"", "v1", "Namespace"}, "", o.key.name);
    if (!live && live.error().code != ErrorCode::kNotFound)
      return fail(with_context(live.error(), "read " + o.key.display()));
    if (!live) namespaces_created.push_back(o.key.name);
  }

  std::vector<ObjectDiff> diffs;
  for (const auto& o : plan.apply) {
    auto diff = diff_applied(o, settings, namespaces_created);
    if (!diff) return fail(diff.error());
    diffs.push_back(std::move(*diff));
  }
  for (const auto& o : plan.remove) {
    auto live = client_.get(kube::GroupVersionKind::of(o.object), o.key.namespace_name, o.key.name);
    if (!live && live.error().code == ErrorCode::kNotFound) continue;  // already gone: nothing changes
    if (!live) return fail(with_context(live.error(), "read " + o.key.display()));
    json before = without_server_fields(*live);
    diffs.push_back(diff_object(o.key, &before, nullptr, kLiveLabels));
  }
  return diffs;
}

Result<void> KubeTarget::apply(const ReleasePlan& plan, size_t index, const ApplySettings& settings) {
  if (index >= plan.apply.size()) return fail(Error::internal("apply step " + std::to_string(index) + " is not in the plan"));
  const ManifestObject& object = plan.apply[index];
  auto applied = client_.apply(object.object, apply_options(settings, false));
  if (!applied) return fail(with_context(applied.error(), "apply " + object.key.display()));
  return {};
}

Result<void> KubeTarget::remove(const ReleasePlan& plan, size_t index) {
  if (index >= plan.remove.size())
    return fail(Error::internal("remove step " + std::to_string(index) + " is not in the plan"));
  const ManifestObject& object = plan.remove[index];
  kube::DeleteOptions options;
  options.propagation_policy = "Background";
  auto removed = client_.remove(kube::GroupVersionKind::of(object.object), object.key.namespace_name,
                                object.key.name, options);
  // Not found covers both a deleted object and a kind no longer served (its
  // CRD is gone, and its objects with it).
  if (!removed && removed.error().code != ErrorCode::kNotFound)
    return fail(with_context(removed.error(), "delete " + object.key.display()));
  return {};
}

Result<void> KubeTarget::commit(const ReleasePlan&) { return {}; }

ReadyOutcome KubeTarget::wait_ready(const ReleasePlan& plan, const EventSink& emit, std::chrono::milliseconds timeout,
                                    std::stop_token stop) {
  Clock& clock = *options_.clock;
  const auto deadline = clock.now() + timeout;
  auto failed = [](Error error) { return ReadyOutcome{ReadyState::kFailed, std::move(error)}; };
  for (const auto& object : plan.apply) {
    if (!has_rollout(object.key)) continue;
    if (stop.stop_requested()) return {ReadyState::kStopped, std::nullopt};
    kube::RolloutWaitOptions options = options_.rollout;
    if (timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
      if (left.count() <= 0)
        return failed(Error::make(ErrorCode::kUnavailable, "timed out after " + kube::go_duration_text(timeout) +
                                                               " before " + object.key.display() + " rolled out"));
      options.timeout = left;
    } else {
      options.timeout = std::chrono::milliseconds(0);
    }
    auto progress = [&](const std::string& line) {
      if (emit) emit(rollout_event(object.key, line));
    };
    auto outcome = kube::wait_for_rollout(client_, kube::GroupVersionKind::of(object.object),
                                          object.key.namespace_name, object.key.name, options, progress, stop, clock,
                                          *options_.sleeper);
    if (!outcome) return failed(with_context(outcome.error(), "rollout of " + object.key.display()));
    switch (outcome->state) {
      case kube::RolloutState::kDone: continue;
      case kube::RolloutState::kStopped: return {ReadyState::kStopped, std::nullopt};
      case kube::RolloutState::kFailed:
        if (emit)
          for (const auto& problem : outcome->problems) emit(pod_problem_event(object.key, report_of(problem)));
        return failed(outcome->to_error());  // "rollout of deployment web failed: ..." already
      case kube::RolloutState::kTimedOut:
        return failed(with_context(outcome->to_error(), "rollout of " + object.key.display()));
    }
  }
  return {};
}

}  // namespace pier::release
