// What the double knows about one served resource (one group/version/kind):
// its REST name, scope, subresources and the few per-kind rules of the real
// registry (generation, what DELETE returns, name syntax, selectable fields).
//
//   const ResourceType& t = ...;  // apps/v1 deployments
//   t.group_resource();           // "deployments.apps", as error messages name it
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace pier::testing::kube_double {

struct SchemaNode;

// Which name syntax the registry validates metadata.name with.
enum class NameRule {
  kSubdomain,     // DNS-1123 subdomain (most kinds)
  kLabel,         // DNS-1123 label (Namespace)
  kDns1035Label,  // DNS-1035 label (Service)
};

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool has_status = false;            // a "<plural>/status" subresource
  bool tracks_generation = false;     // metadata.generation set to 1 and bumped on spec changes
  bool returns_deleted_object = false;  // DELETE answers the object instead of Status Success
  bool custom = false;                // served from a CustomResourceDefinition
  NameRule name_rule = NameRule::kSubdomain;
  // Field selector keys beyond metadata.name and metadata.namespace, e.g.
  // "spec.nodeName" for pods (the real server supports a fixed list per kind).
  std::vector<std::string> field_labels;
  // Structure for server-side apply (list types and keys); null = untyped.
  const SchemaNode* schema = nullptr;
  std::shared_ptr<const void> schema_owner;  // keeps a CRD's schema alive

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string list_kind() const { return kind + "List"; }
  // "deployments.apps"; "services" for the core group.
  std::string group_resource() const { return group.empty() ? plural : plural + "." + group; }
  // "Deployment.apps"; "Service" for the core group (how 422 messages name it).
  std::string group_kind() const { return group.empty() ? kind : kind + "." + group; }
  // The store every version of one resource shares: "apps/deployments".
  std::string collection() const { return group + "/" + plural; }
};

}  // namespace pier::testing::kube_double
