// What `pier apply` will do, computed before touching the cluster: every
// object with its resource (from discovery), its namespace filled in or
// refused, in dependency order; and, for pruning, which live objects the
// applied set no longer has.
//
//   auto plan = plan_apply(objects, "shop", resolve);   // resolve: discovery
//   for (const auto& step : plan->steps) client.apply(step.object, ...);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kube/resource.h"

namespace pier::kube {

struct ApplyStep {
  nlohmann::json object;  // with metadata.namespace set for namespaced kinds
  ResourceInfo resource;
  std::string display;  // kubectl's name: "deployment.apps/jetty"
};

struct ApplyPlan {
  std::vector<ApplyStep> steps;  // dependency order (Namespace first, ..., Ingress, HPA last)
};

using ResolveResource = std::function<Result<ResourceInfo>(const GroupVersionKind&)>;

// Errors (kInvalidInput, one detail per object): not a mapping, no
// apiVersion/kind/metadata.name, a namespace on a cluster-scoped kind, the
// same object twice; kNotFound when the cluster does not serve a kind.
Result<ApplyPlan> plan_apply(const std::vector<nlohmann::json>& objects, const std::string& default_namespace,
                             const ResolveResource& resolve);

// kubectl's way to name an object: "deployment.apps/jetty", "service/jetty".
std::string kubectl_name(const ResourceInfo& resource, std::string_view name);

// True when `field_manager` applied (server-side apply, operation Apply) to
// this live object: only such objects are pruned, never ones made by
// controllers (Pods of a Deployment carry the same labels) or by people.
bool applied_by(const nlohmann::json& live_object, const std::string& field_manager);

// Live objects (already filtered by the prune selector) that the plan does
// not contain and that `field_manager` applied: to delete, in reverse
// dependency order.
std::vector<nlohmann::json> prune_candidates(const ApplyPlan& plan, const std::vector<nlohmann::json>& live_objects,
                                             const std::string& field_manager);

}  // namespace pier::kube
