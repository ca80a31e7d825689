#include "kube/apply_plan.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "manifest/apply_order.h"
#include "manifest/object_ref.h"

namespace pier::kube {

namespace {

using nlohmann::json;

using Identity = std::tuple<std::string, std::string, std::string, std::string>;  // group, kind, namespace, name

Identity identity_of(const json& object) {
  manifest::ObjectRef ref = manifest::ObjectRef::of(object);
  return {ref.group(), ref.kind, ref.namespace_name, ref.name};
}

int rank_of(const json& object) {
  auto kind = object.find("kind");
  return manifest::apply_rank(kind != object.end() && kind->is_string() ? kind->get_ref<const std::string&>() : "");
}

}  // namespace

std::string kubectl_name(const ResourceInfo& resource, std::string_view name) {
  std::string kind = resource.gvk.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!resource.gvk.group.empty()) kind += "." + resource.gvk.group;
  return kind + "/" + std::string(name);
}

Result<ApplyPlan> plan_apply(const std::vector<json>& objects, const std::string& default_namespace,
                             const ResolveResource& resolve) {
  ApplyPlan plan;
  std::vector<ErrorDetail> problems;
  std::set<Identity> seen;
  for (size_t i = 0; i < objects.size(); ++i) {
    const json& object = objects[i];
    std::string where = "object " + std::to_string(i + 1);
    if (!object.is_object()) {
      problems.push_back({where, "must be a mapping with apiVersion, kind and metadata"});
      continue;
    }
    manifest::ObjectRef ref = manifest::ObjectRef::of(object);
    if (ref.api_version.empty() || ref.kind.empty() || ref.name.empty()) {
      problems.push_back({where, "needs apiVersion, kind and metadata.name"});
      continue;
    }
    where += " (" + ref.display() + ")";
    auto resource = resolve(GroupVersionKind::from(ref.api_version, ref.kind));
    if (!resource) {
      if (resource.error().code != ErrorCode::kNotFound) return fail(resource.error());
      problems.push_back({where, resource.error().message});
      continue;
    }
    ApplyStep step{object, *resource, kubectl_name(*resource, ref.name)};
    if (resource->namespaced) {
      if (ref.namespace_name.empty()) step.object["metadata"]["namespace"] = default_namespace;
    } else if (!ref.namespace_name.empty()) {
      problems.push_back({where, "metadata.namespace: must not be set, " + ref.kind + " is cluster-scoped"});
      continue;
    }
    if (!seen.insert(identity_of(step.object)).second) {
      problems.push_back({where, "the same object appears twice"});
      continue;
    }
    plan.steps.push_back(std::move(step));
  }
  if (!problems.empty()) {
    Error error = Error::invalid(std::to_string(problems.size()) + (problems.size() == 1 ? " object" : " objects") +
                                 " cannot be applied");
    error.details = std::move(problems);
    return fail(std::move(error));
  }
  std::stable_sort(plan.steps.begin(), plan.steps.end(),
                   [](const ApplyStep& a, const ApplyStep& b) { return rank_of(a.object) < rank_of(b.object); });
  return plan;
}

bool applied_by(const json& live_object, const std::string& field_manager) {
  auto metadata = live_object.find("metadata");
  if (metadata == live_object.end() || !metadata->is_object()) return false;
  auto managed = metadata->find("managedFields");
  if (managed == metadata->end() || !managed->is_array()) return false;
  for (const auto& entry : *managed) {
    if (!entry.is_object()) continue;
    if (entry.value("manager", "") == field_manager && entry.value("operation", "") == "Apply") return true;
  }
  return false;
}

std::vector<json> prune_candidates(const ApplyPlan& plan, const std::vector<json>& live_objects,
                                   const std::string& field_manager) {
  std::set<Identity> wanted;
  for (const auto& step : plan.steps) wanted.insert(identity_of(step.object));
  std::vector<json> prune;
  for (const auto& live : live_objects) {
    if (wanted.contains(identity_of(live))) continue;
    if (!applied_by(live, field_manager)) continue;
    prune.push_back(live);
  }
  std::stable_sort(prune.begin(), prune.end(),
                   [](const json& a, const json& b) { return rank_of(a) > rank_of(b); });
  return prune;
}

}  // namespace pier::kube
