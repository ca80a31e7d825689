#include "resource_catalog.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "builtin_resources.h"

namespace pier::testing::kube_double {

namespace {

// Kubernetes version priority: GA before beta before alpha, higher numbers
// first (v2 > v1 > v1beta2 > v1beta1 > v1alpha1), anything else last by name.
struct VersionRank {
  int stability = 3;  // 0 GA, 1 beta, 2 alpha, 3 other
  int major = 0;
  int minor = 0;
};

VersionRank rank(const std::string& version) {
  VersionRank r;
  if (version.size() < 2 || version[0] != 'v' || !std::isdigit(static_cast<unsigned char>(version[1]))) return r;
  size_t i = 1;
  while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i]))) ++i;
  r.major = std::stoi(version.substr(1, i - 1));
  std::string rest = version.substr(i);
  auto minor_after = [&](const std::string& word) {
    std::string digits = rest.substr(word.size());
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
    return std::stoi(digits);
  };
  if (rest.empty()) {
    r.stability = 0;
  } else if (rest.starts_with("beta") && minor_after("beta") >= 0) {
    r.stability = 1;
    r.minor = minor_after("beta");
  } else if (rest.starts_with("alpha") && minor_after("alpha") >= 0) {
    r.stability = 2;
    r.minor = minor_after("alpha");
  }
  return r;
}

bool higher_priority(const std::string& a, const std::string& b) {
  VersionRank ra = rank(a), rb = rank(b);
  if (ra.stability != rb.stability) return ra.stability < rb.stability;
  if (ra.stability == 3) return a < b;
  if (ra.major != rb.major) return ra.major > rb.major;
  return ra.minor > rb.minor;
}

nlohmann::json resource_json(const ResourceType& type) {
  nlohmann::json entry = {
      {"name", type.plural},
      {"singularName", type.singular},
      {"namespaced", type.namespaced},
      {"kind", type.kind},
      {"verbs", {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}},
  };
  if (!type.short_names.empty()) entry["shortNames"] = type.short_names;
  if (!type.categories.empty()) entry["categories"] = type.categories;
  return entry;
}

}  // namespace

ResourceCatalog::ResourceCatalog() {
  for (auto& type : builtin_resource_types()) {
    auto shared = std::make_shared<const ResourceType>(std::move(type));
    if (shared->kind == "CustomResourceDefinition") crd_type_ = shared;
    if (shared->kind == "Namespace") namespace_type_ = shared;
    builtin_.push_back(std::move(shared));
  }
}

TypePtr ResourceCatalog::find_resource(std::string_view group, std::string_view version,
                                       std::string_view plural) const {
  std::shared_lock lock(mutex_);
  for (const auto& type : builtin_)
    if (type->group == group && type->version == version && type->plural == plural) return type;
  for (const auto& [name, types] : custom_)
    for (const auto& type : types)
      if (type->group == group && type->version == version && type->plural == plural) return type;
  return nullptr;
}

TypePtr ResourceCatalog::find_kind(std::string_view group, std::string_view version, std::string_view kind) const {
  std::shared_lock lock(mutex_);
  for (const auto& type : builtin_)
    if (type->group == group && type->version == version && type->kind == kind) return type;
  for (const auto& [name, types] : custom_)
    for (const auto& type : types)
      if (type->group == group && type->version == version && type->kind == kind) return type;
  return nullptr;
}

TypePtr ResourceCatalog::find_kind(std::string_view api_version, std::string_view kind) const {
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return find_kind("", api_version, kind);
  return find_kind(api_version.substr(0, slash), api_version.substr(slash + 1), kind);
}

void ResourceCatalog::serve_crd(const std::string& crd_name, std::vector<ResourceType> types) {
  std::vector<TypePtr> shared;
  for (auto& type : types) shared.push_back(std::make_shared<const ResourceType>(std::move(type)));
  std::unique_lock lock(mutex_);
  if (!custom_.contains(crd_name)) custom_order_.push_back(crd_name);
  custom_[crd_name] = std::move(shared);
}

std::vector<TypePtr> ResourceCatalog::stop_serving_crd(const std::string& crd_name) {
  std::unique_lock lock(mutex_);
  auto it = custom_.find(crd_name);
  if (it == custom_.end()) return {};
  std::vector<TypePtr> types = std::move(it->second);
  custom_.erase(it);
  std::erase(custom_order_, crd_name);
  return types;
}

std::vector<ResourceCatalog::GroupVersions> ResourceCatalog::groups_locked() const {
  std::vector<GroupVersions> groups;
  auto add = [&](const ResourceType& type) {
    if (type.group.empty()) return;
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.name == type.group; });
    if (group == groups.end()) {
      groups.push_back({type.group, {}});
      group = std::prev(groups.end());
    }
    if (std::find(group->versions.begin(), group->versions.end(), type.version) == group->versions.end())
      group->versions.push_back(type.version);
  };
  for (const auto& type : builtin_) add(*type);
  for (const auto& name : custom_order_)
    for (const auto& type : custom_.at(name)) add(*type);
  for (auto& group : groups) std::sort(group.versions.begin(), group.versions.end(), higher_priority);
  return groups;
}

nlohmann::json ResourceCatalog::group_json(const GroupVersions& group) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& version : group.versions)
    versions.push_back({{"groupVersion", group.name + "/" + version}, {"version", version}});
  return {{"name", group.name},
          {"versions", versions},
          {"preferredVersion", versions.empty() ? nlohmann::json::object() : versions[0]}};
}

nlohmann::json ResourceCatalog::api_versions(const std::string& server_address) const {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

nlohmann::json ResourceCatalog::api_group_list() const {
  std::shared_lock lock(mutex_);
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : groups_locked()) groups.push_back(group_json(group));
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<nlohmann::json> ResourceCatalog::api_group(std::string_view name) const {
  std::shared_lock lock(mutex_);
  for (const auto& group : groups_locked()) {
    if (group.name != name) continue;
    nlohmann::json out = group_json(group);
    out["kind"] = "APIGroup";
    out["apiVersion"] = "v1";
    return out;
  }
  return std::nullopt;
}

std::optional<nlohmann::json> ResourceCatalog::api_resource_list(std::string_view group,
                                                                 std::string_view version) const {
  std::shared_lock lock(mutex_);
  nlohmann::json resources = nlohmann::json::array();
  auto add = [&](const ResourceType& type) {
    if (type.group != group || type.version != version) return;
    resources.push_back(resource_json(type));
    if (type.has_status) {
      resources.push_back({{"name", type.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", type.namespaced},
                           {"kind", type.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  };
  for (const auto& type : builtin_) add(*type);
  for (const auto& name : custom_order_)
    for (const auto& type : custom_.at(name)) add(*type);
  if (resources.empty()) return std::nullopt;
  std::string group_version = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return nlohmann::json{{"kind", "APIResourceList"},
                        {"apiVersion", "v1"},
                        {"groupVersion", group_version},
                        {"resources", resources}};
}

}  // namespace pier::testing::kube_double
