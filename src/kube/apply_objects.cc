#include "kube/apply_objects.h"

#include <set>
#include <tuple>

#include "kube/apply_plan.h"
#include "manifest/object_ref.h"

namespace pier::kube {

namespace {

using nlohmann::json;

// Kinds whose objects pruning looks for besides the kinds being applied: what
// catalog apps make. Not Pods or ReplicaSets (controllers own them) and not
// Namespaces unless the set applies one (deleting one deletes its contents).
const std::vector<GroupVersionKind>& default_prune_kinds() {
  static const std::vector<GroupVersionKind> kinds = {
      {"", "v1", "ConfigMap"},
      {"", "v1", "Secret"},
      {"", "v1", "Service"},
      {"", "v1", "ServiceAccount"},
      {"apps", "v1", "Deployment"},
      {"apps", "v1", "StatefulSet"},
      {"apps", "v1", "DaemonSet"},
      {"networking.k8s.io", "v1", "Ingress"},
      {"autoscaling", "v2", "HorizontalPodAutoscaler"},
      {"policy", "v1", "PodDisruptionBudget"},
      {"batch", "v1", "Job"},
      {"batch", "v1", "CronJob"},
  };
  return kinds;
}

std::string suffix(const ApplyOptions& options) { return options.dry_run ? " (server dry run)" : ""; }

Result<std::vector<json>> live_objects_to_prune_from(Client& client, const ApplyPlan& plan, const ApplyRequest& request) {
  std::vector<ResourceInfo> resources;
  std::set<std::tuple<std::string, std::string, std::string>> known;
  auto add = [&](const ResourceInfo& info) {
    if (known.insert({info.gvk.group, info.gvk.version, info.gvk.kind}).second) resources.push_back(info);
  };
  std::set<std::string> namespaces = {request.default_namespace};
  for (const auto& step : plan.steps) {
    add(step.resource);
    if (step.resource.namespaced) namespaces.insert(manifest::ObjectRef::of(step.object).namespace_name);
  }
  for (const auto& gvk : default_prune_kinds()) {
    auto info = client.discovery().resolve(gvk);
    if (info) add(*info);
    else if (info.error().code != ErrorCode::kNotFound) return fail(info.error());
  }
  std::vector<json> live;
  ListOptions options;
  options.label_selector = request.prune_selector;
  for (const auto& resource : resources) {
    std::vector<std::string> scopes = resource.namespaced ? std::vector<std::string>(namespaces.begin(), namespaces.end())
                                                          : std::vector<std::string>{""};
    for (const auto& ns : scopes) {
      auto list = client.list(resource.gvk, ns, options);
      if (!list) return fail(list.error());
      for (auto& item : list->items) live.push_back(std::move(item));
    }
  }
  return live;
}

}  // namespace

Result<ApplyResult> apply_objects(Client& client, const ApplyRequest& request,
                                  const std::function<void(const std::string& line)>& progress) {
  auto plan = plan_apply(request.objects, request.default_namespace,
                         [&](const GroupVersionKind& gvk) { return client.discovery().resolve(gvk); });
  if (!plan) return fail(plan.error());

  // Namespaces this apply creates: a server dry run cannot check objects in
  // them (the server answers 404 for the namespace, kubectl stops there).
  std::set<std::string> namespaces_in_set;
  for (const auto& step : plan->steps)
    if (step.resource.gvk.group.empty() && step.resource.gvk.kind == "Namespace")
      namespaces_in_set.insert(manifest::ObjectRef::of(step.object).name);

  ApplyResult result;
  for (const auto& step : plan->steps) {
    auto applied = client.apply(step.object, request.options);
    std::string ns = manifest::ObjectRef::of(step.object).namespace_name;
    if (!applied && request.options.dry_run && applied.error().code == ErrorCode::kNotFound &&
        namespaces_in_set.contains(ns) && !client.get({"", "v1", "Namespace"}, "", ns)) {
      if (progress) progress(step.display + " not checked (server dry run): namespace " + ns + " does not exist yet");
      continue;
    }
    if (!applied) {
      Error error = applied.error();
      error.message = step.display + ": " + error.message;
      return fail(std::move(error));
    }
    result.applied.push_back(step.display);
    if (progress) progress(step.display + " serverside-applied" + suffix(request.options));
  }

  if (request.prune_selector.empty()) return result;
  auto live = live_objects_to_prune_from(client, *plan, request);
  if (!live) return fail(live.error());
  for (const auto& object : prune_candidates(*plan, *live, request.options.field_manager)) {
    manifest::ObjectRef ref = manifest::ObjectRef::of(object);
    GroupVersionKind gvk = GroupVersionKind::of(object);
    auto resource = client.discovery().resolve(gvk);
    if (!resource) return fail(resource.error());
    DeleteOptions options;
    options.dry_run = request.options.dry_run;
    auto removed = client.remove(gvk, ref.namespace_name, ref.name, options);
    if (!removed && removed.error().code != ErrorCode::kNotFound) return fail(removed.error());
    std::string name = kubectl_name(*resource, ref.name);
    result.pruned.push_back(name);
    if (progress) progress(name + " pruned" + suffix(request.options));
  }
  return result;
}

}  // namespace pier::kube
