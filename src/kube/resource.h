// Which REST path serves a kind: what Discovery answers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::kube {

struct GroupVersionKind {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;

  // "apps/v1" + "Deployment"; "v1" + "Service".
  static GroupVersionKind from(std::string_view api_version, std::string_view kind);
  // Of an object's apiVersion and kind (empty fields when missing).
  static GroupVersionKind of(const nlohmann::json& object);
  std::string api_version() const;  // "apps/v1", "v1"
  bool operator==(const GroupVersionKind&) const = default;
};

struct ResourceInfo {
  GroupVersionKind gvk;
  std::string resource;  // plural: "deployments"
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;  // "deploy"
  bool has_status = false;               // a "<resource>/status" subresource exists
  std::string singular_name;             // "deployment" (older servers leave it empty)

  // "/apis/apps/v1" or "/api/v1".
  std::string group_version_path() const;
  // The collection: ".../namespaces/NS/deployments", or ".../deployments"
  // for all namespaces or a cluster-scoped kind (namespace ignored then).
  std::string collection_path(std::string_view namespace_name) const;
  // One object: collection_path(ns) + "/" + name (name percent-encoded).
  std::string object_path(std::string_view namespace_name, std::string_view name) const;
};

}  // namespace pier::kube
