// The structure server-side apply needs from a schema, and nothing else:
// which lists are atomic, sets or maps (and their keys), which maps are
// atomic. Built from the Kubernetes OpenAPI document for the built-in kinds
// (x-kubernetes-list-type, x-kubernetes-list-map-keys, and for older
// definitions x-kubernetes-patch-strategy: merge + x-kubernetes-patch-merge-key)
// and from a CRD's openAPIV3Schema for custom resources.
//
//   const SchemaNode* deployment = BuiltinSchemas::instance().for_kind("apps", "v1", "Deployment");
//   const SchemaNode* containers = deployment->field("spec")->field("template")->field("spec")->field("containers");
//   containers->list_type == SchemaNode::ListType::kMap; containers->keys == {"name"}
//
// A field without a schema is "untyped", as structured-merge-diff deduces it:
// maps merge key by key, lists are atomic.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::testing::kube_double {

struct SchemaNode {
  enum class Shape { kUntyped, kScalar, kStruct, kMap, kList };
  enum class ListType { kAtomic, kSet, kMap };

  Shape shape = Shape::kUntyped;
  bool atomic = false;  // a map or struct replaced as a whole (x-kubernetes-map-type: atomic)
  ListType list_type = ListType::kAtomic;
  std::vector<std::string> keys;                    // of a list-map
  std::map<std::string, const SchemaNode*, std::less<>> fields;  // of a struct
  const SchemaNode* element = nullptr;              // map values, list items

  // The schema of a member of this object (untyped when unknown).
  const SchemaNode* field(std::string_view name) const;
  // The schema of a list item or map value (untyped when unknown).
  const SchemaNode* item() const;
};

// The shared node of anything without a schema.
const SchemaNode* untyped_schema();

// Owns the nodes of one schema graph.
class SchemaArena {
 public:
  SchemaNode* make() { return &nodes_.emplace_back(); }

 private:
  std::deque<SchemaNode> nodes_;
};

class BuiltinSchemas {
 public:
  // Parsed once per process from the OpenAPI document the build names
  // (PIER_KUBE_DOUBLE_OPENAPI); every kind is untyped if it cannot be read.
  static const BuiltinSchemas& instance();
  explicit BuiltinSchemas(const nlohmann::json& swagger);

  // nullptr when the document has no such kind.
  const SchemaNode* for_kind(std::string_view group, std::string_view version, std::string_view kind) const;
  const SchemaNode* object_meta() const { return object_meta_; }

 private:
  SchemaArena arena_;
  std::map<std::string, const SchemaNode*, std::less<>> kinds_;  // "group/version/Kind"
  const SchemaNode* object_meta_ = nullptr;
};

// The schema of a custom resource from its CRD version's openAPIV3Schema;
// metadata is ObjectMeta whatever the CRD says. `root` is set to the top node,
// owned by the returned arena.
std::shared_ptr<SchemaArena> schema_from_crd(const nlohmann::json& open_api_v3_schema, const SchemaNode*& root);

}  // namespace pier::testing::kube_double
