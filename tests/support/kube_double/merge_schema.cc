#include "merge_schema.h"

#include <fstream>
#include <iostream>
#include <sstream>

#ifndef PIER_KUBE_DOUBLE_OPENAPI
#define PIER_KUBE_DOUBLE_OPENAPI ""
#endif

namespace pier::testing::kube_double {

namespace {

SchemaNode make_untyped() {
  SchemaNode node;
  node.shape = SchemaNode::Shape::kUntyped;
  return node;
}

const SchemaNode kUntyped = make_untyped();

// The list semantics of a property, as kube-openapi converts them for
// structured-merge-diff: the list-type extension wins; else a merge patch
// strategy with a merge key makes a map and without one a set; else atomic.
void read_list_annotations(const nlohmann::json& property, SchemaNode& node) {
  node.list_type = SchemaNode::ListType::kAtomic;
  auto list_type = property.find("x-kubernetes-list-type");
  if (list_type != property.end() && list_type->is_string()) {
    const std::string& type = list_type->get_ref<const std::string&>();
    if (type == "map") node.list_type = SchemaNode::ListType::kMap;
    if (type == "set") node.list_type = SchemaNode::ListType::kSet;
  } else {
    auto strategy = property.find("x-kubernetes-patch-strategy");
    if (strategy != property.end() && strategy->is_string() &&
        strategy->get_ref<const std::string&>().find("merge") != std::string::npos) {
      auto merge_key = property.find("x-kubernetes-patch-merge-key");
      if (merge_key != property.end() && merge_key->is_string()) {
        node.list_type = SchemaNode::ListType::kMap;
        node.keys = {merge_key->get<std::string>()};
      } else {
        node.list_type = SchemaNode::ListType::kSet;
      }
    }
  }
  auto keys = property.find("x-kubernetes-list-map-keys");
  if (keys != property.end() && keys->is_array()) {
    node.keys.clear();
    for (const auto& key : *keys)
      if (key.is_string()) node.keys.push_back(key.get<std::string>());
  }
  if (node.list_type == SchemaNode::ListType::kMap && node.keys.empty()) node.list_type = SchemaNode::ListType::kAtomic;
}

bool is_atomic_map(const nlohmann::json& schema) {
  auto map_type = schema.find("x-kubernetes-map-type");
  return map_type != schema.end() && map_type->is_string() && map_type->get_ref<const std::string&>() == "atomic";
}

// Converts OpenAPI v2 definitions (with $ref) into nodes, one per definition.
class SwaggerConverter {
 public:
  SwaggerConverter(const nlohmann::json& definitions, SchemaArena& arena) : definitions_(definitions), arena_(arena) {}

  const SchemaNode* definition(const std::string& name) {
    auto known = converted_.find(name);
    if (known != converted_.end()) return known->second;
    auto found = definitions_.find(name);
    if (found == definitions_.end()) return &kUntyped;
    SchemaNode* node = arena_.make();
    converted_.emplace(name, node);  // before descending: definitions are recursive (JSONSchemaProps)
    fill(*found, *node);
    return node;
  }

 private:
  const SchemaNode* of(const nlohmann::json& schema) {
    auto ref = schema.find("$ref");
    if (ref != schema.end() && ref->is_string()) {
      const SchemaNode* target = definition(definition_name(ref->get<std::string>()));
      if (is_atomic_map(schema)) {
        SchemaNode* atomic = arena_.make();
        *atomic = *target;
        atomic->atomic = true;
        return atomic;
      }
      return target;
    }
    SchemaNode* node = arena_.make();
    fill(schema, *node);
    return node;
  }

  void fill(const nlohmann::json& schema, SchemaNode& node) {
    std::string type = schema.value("type", "");
    node.atomic = is_atomic_map(schema);
    auto properties = schema.find("properties");
    auto additional = schema.find("additionalProperties");
    if (type == "array") {
      node.shape = SchemaNode::Shape::kList;
      read_list_annotations(schema, node);
      auto items = schema.find("items");
      node.element = items != schema.end() && items->is_object() ? of(*items) : &kUntyped;
    } else if (properties != schema.end() && properties->is_object()) {
      node.shape = SchemaNode::Shape::kStruct;
      for (const auto& [name, property] : properties->items()) node.fields.emplace(name, of(property));
      if (additional != schema.end() && additional->is_object()) node.element = of(*additional);
    } else if (additional != schema.end() && additional->is_object()) {
      node.shape = SchemaNode::Shape::kMap;
      node.element = of(*additional);
    } else if (type == "object" || type.empty()) {
      node.shape = SchemaNode::Shape::kUntyped;  // RawExtension, FieldsV1, JSON: anything
    } else {
      node.shape = SchemaNode::Shape::kScalar;
    }
  }

  static std::string definition_name(const std::string& ref) {
    const std::string prefix = "#/definitions/";
    return ref.starts_with(prefix) ? ref.substr(prefix.size()) : ref;
  }

  const nlohmann::json& definitions_;
  SchemaArena& arena_;
  std::map<std::string, const SchemaNode*> converted_;
};

// A CRD's structural schema (no $ref in v1 CRDs).
SchemaNode* convert_v3(const nlohmann::json& schema, SchemaArena& arena) {
  SchemaNode* node = arena.make();
  if (!schema.is_object()) return node;
  std::string type = schema.value("type", "");
  node->atomic = is_atomic_map(schema);
  auto properties = schema.find("properties");
  auto additional = schema.find("additionalProperties");
  if (type == "array") {
    node->shape = SchemaNode::Shape::kList;
    read_list_annotations(schema, *node);
    auto items = schema.find("items");
    node->element = items != schema.end() ? convert_v3(*items, arena) : &kUntyped;
  } else if (properties != schema.end() && properties->is_object() && !properties->empty()) {
    node->shape = SchemaNode::Shape::kStruct;
    for (const auto& [name, property] : properties->items()) node->fields.emplace(name, convert_v3(property, arena));
    if (additional != schema.end() && additional->is_object()) node->element = convert_v3(*additional, arena);
  } else if (additional != schema.end() && additional->is_object()) {
    node->shape = SchemaNode::Shape::kMap;
    node->element = convert_v3(*additional, arena);
  } else if (type == "object" || type.empty()) {
    node->shape = SchemaNode::Shape::kUntyped;
  } else {
    node->shape = SchemaNode::Shape::kScalar;
  }
  return node;
}

nlohmann::json load_swagger() {
  std::ifstream in(PIER_KUBE_DOUBLE_OPENAPI);
  if (!in) {
    std::cerr << "kube double: cannot read the OpenAPI document '" << PIER_KUBE_DOUBLE_OPENAPI
              << "'; server-side apply treats every list as atomic\n";
    return nlohmann::json::object();
  }
  std::stringstream text;
  text << in.rdbuf();
  // Descriptions are 80% of the document and of no use here.
  auto drop_descriptions = [](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    return !(event == nlohmann::json::parse_event_t::key && parsed == "description");
  };
  try {
    return nlohmann::json::parse(text.str(), drop_descriptions);
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "kube double: the OpenAPI document is not JSON: " << e.what() << "\n";
    return nlohmann::json::object();
  }
}

}  // namespace

const SchemaNode* untyped_schema() { return &kUntyped; }

const SchemaNode* SchemaNode::field(std::string_view name) const {
  if (shape == Shape::kStruct) {
    auto it = fields.find(name);
    if (it != fields.end()) return it->second;
  }
  if (element && (shape == Shape::kStruct || shape == Shape::kMap)) return element;
  return &kUntyped;
}

const SchemaNode* SchemaNode::item() const { return element ? element : &kUntyped; }

const BuiltinSchemas& BuiltinSchemas::instance() {
  static const BuiltinSchemas schemas(load_swagger());
  return schemas;
}

BuiltinSchemas::BuiltinSchemas(const nlohmann::json& swagger) {
  auto definitions = swagger.find("definitions");
  if (definitions == swagger.end() || !definitions->is_object()) return;
  SwaggerConverter converter(*definitions, arena_);
  object_meta_ = converter.definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  for (const auto& [name, definition] : definitions->items()) {
    auto gvks = definition.find("x-kubernetes-group-version-kind");
    if (gvks == definition.end() || !gvks->is_array()) continue;
    // Only top-level kinds with metadata: skips the shared option kinds
    // (DeleteOptions, WatchEvent) that list every group.
    auto properties = definition.find("properties");
    if (properties == definition.end() || !properties->contains("metadata")) continue;
    for (const auto& gvk : *gvks) {
      std::string key = gvk.value("group", "") + "/" + gvk.value("version", "") + "/" + gvk.value("kind", "");
      kinds_.emplace(std::move(key), converter.definition(name));
    }
  }
}

const SchemaNode* BuiltinSchemas::for_kind(std::string_view group, std::string_view version,
                                           std::string_view kind) const {
  std::string key = std::string(group) + "/" + std::string(version) + "/" + std::string(kind);
  auto it = kinds_.find(key);
  return it == kinds_.end() ? nullptr : it->second;
}

std::shared_ptr<SchemaArena> schema_from_crd(const nlohmann::json& open_api_v3_schema, const SchemaNode*& root) {
  auto arena = std::make_shared<SchemaArena>();
  SchemaNode* top = convert_v3(open_api_v3_schema, *arena);
  if (top->shape != SchemaNode::Shape::kStruct) {
    top->shape = SchemaNode::Shape::kStruct;
    top->element = &kUntyped;  // preserve-unknown-fields roots: other top-level fields untyped
  }
  const SchemaNode* meta = BuiltinSchemas::instance().object_meta();
  top->fields["metadata"] = meta ? meta : &kUntyped;
  root = top;
  return arena;
}

}  // namespace pier::testing::kube_double
