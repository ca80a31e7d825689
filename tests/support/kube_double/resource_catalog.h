// Every resource the double serves, built-in and from CRDs, and the
// discovery documents that describe them (/api, /apis, /apis/<group>,
// /api/v1 and /apis/<group>/<version>).
//
//   ResourceCatalog catalog;  // the built-in kinds
//   auto deployments = catalog.find_resource("apps", "v1", "deployments");
//   auto same = catalog.find_kind("apps/v1", "Deployment");
//   catalog.serve_crd("widgets.example.com", custom_resource_types(crd));
//
// Thread-safe; types are immutable and shared, so a request keeps using the
// type it resolved even if the CRD goes away meanwhile.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "resource_type.h"

namespace pier::testing::kube_double {

using TypePtr = std::shared_ptr<const ResourceType>;

class ResourceCatalog {
 public:
  ResourceCatalog();

  TypePtr find_resource(std::string_view group, std::string_view version, std::string_view plural) const;
  TypePtr find_kind(std::string_view group, std::string_view version, std::string_view kind) const;
  TypePtr find_kind(std::string_view api_version, std::string_view kind) const;
  // The built-in type every CRD object is.
  TypePtr crd_type() const { return crd_type_; }
  TypePtr namespace_type() const { return namespace_type_; }

  // Replaces what CRD `crd_name` served before.
  void serve_crd(const std::string& crd_name, std::vector<ResourceType> types);
  // The types it served (their objects are to be deleted by the caller).
  std::vector<TypePtr> stop_serving_crd(const std::string& crd_name);

  nlohmann::json api_versions(const std::string& server_address) const;  // /api
  nlohmann::json api_group_list() const;                                 // /apis
  std::optional<nlohmann::json> api_group(std::string_view group) const;  // /apis/<group>
  // /api/v1 or /apis/<group>/<version>; nullopt when not served.
  std::optional<nlohmann::json> api_resource_list(std::string_view group, std::string_view version) const;

 private:
  struct GroupVersions {
    std::string name;
    std::vector<std::string> versions;  // by Kubernetes version priority, preferred first
  };
  std::vector<GroupVersions> groups_locked() const;
  static nlohmann::json group_json(const GroupVersions& group);

  mutable std::shared_mutex mutex_;
  std::vector<TypePtr> builtin_;
  std::map<std::string, std::vector<TypePtr>> custom_;  // by CRD name, in creation order of names
  std::vector<std::string> custom_order_;
  TypePtr crd_type_;
  TypePtr namespace_type_;
};

}  // namespace pier::testing::kube_double
