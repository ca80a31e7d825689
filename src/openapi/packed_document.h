// The compact form of an OpenAPI v2 document that validation walks: every
// schema is a node in one flat table, `$ref`s already resolved to node
// indices, names stored once in a string pool, descriptions dropped. The
// builtin Kubernetes document exists in this form as constant tables compiled
// into the binary (generated at build time by tools/openapi_pack), so nothing
// is parsed at run time; a user document is packed into the same form.
//
//   const PackedDocument& doc = builtin_packed_document();
//   const PackedKind* k = find_packed_kind(doc, "apps", "v1", "Deployment");
//   const PackedNode& root = doc.nodes[doc.definitions[k->definition].node];
//
// Internal to pier_openapi; the public API is schema.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pier::openapi {

// A slice of PackedDocument::strings. Offsets instead of pointers keep the
// generated tables free of relocations, so they cost nothing at start-up.
struct StrRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

enum class NodeType : std::uint8_t {
  kAny,          // no constraint (a definition without type, e.g. apiextensions JSON)
  kObject,       // see PackedNode for how keys are checked
  kArray,        // elements checked against `element`
  kString,
  kInteger,      // range from `format`
  kNumber,
  kBoolean,
  kIntOrString,  // format int-or-string / x-kubernetes-int-or-string: an int32 or a string
  kQuantity,     // io.k8s.apimachinery.pkg.api.resource.Quantity: quantity string or number
};

enum class NodeFormat : std::uint8_t {
  kNone,
  kInt32,
  kInt64,
  kByte,  // base64 string (Go []byte)
};

inline constexpr std::int32_t kNoNode = -1;

// Keys of an object node are checked in this order: a key with a property
// is checked against the property's node; else, when `element` is set, against
// it (additionalProperties: a map like labels); else it is accepted when
// `open` (no properties and no additionalProperties, additionalProperties:
// true, or x-kubernetes-preserve-unknown-fields), and is an unknown field
// otherwise.
struct PackedNode {
  NodeType type = NodeType::kAny;
  NodeFormat format = NodeFormat::kNone;
  bool open = false;
  std::uint32_t first_property = 0;  // properties of an object, sorted by name
  std::uint32_t property_count = 0;
  std::int32_t element = kNoNode;    // array items, or object additionalProperties
};

struct PackedProperty {
  StrRef name;
  std::int32_t node = kNoNode;
  bool required = false;
};

struct PackedDefinition {
  StrRef name;
  std::int32_t node = kNoNode;
};

struct PackedKind {
  StrRef group;  // "" for the core group
  StrRef version;
  StrRef kind;
  std::uint32_t definition = 0;  // index into PackedDocument::definitions
  bool namespaced = false;       // some API path of the kind has {namespace}
  bool served = false;           // some API path serves it (false for e.g. DeploymentList, Status)
};

struct PackedDocument {
  std::string_view strings;
  std::span<const PackedNode> nodes;
  std::span<const PackedProperty> properties;
  std::span<const PackedDefinition> definitions;  // sorted by name
  std::span<const PackedKind> kinds;              // sorted by (group, version, kind)
  std::string_view version;

  std::string_view str(StrRef ref) const { return strings.substr(ref.offset, ref.size); }
  std::span<const PackedProperty> properties_of(const PackedNode& node) const {
    return properties.subspan(node.first_property, node.property_count);
  }
};

// Owns the tables of a document packed at run time.
struct PackedStorage {
  std::string strings;
  std::vector<PackedNode> nodes;
  std::vector<PackedProperty> properties;
  std::vector<PackedDefinition> definitions;
  std::vector<PackedKind> kinds;
  std::string version;

  PackedDocument view() const { return {strings, nodes, properties, definitions, kinds, version}; }
};

// The Kubernetes document compiled in (generated builtin_document.cc).
const PackedDocument& builtin_packed_document();

// Binary searches; nullptr when absent.
const PackedProperty* find_packed_property(const PackedDocument& doc, const PackedNode& node, std::string_view name);
const PackedDefinition* find_packed_definition(const PackedDocument& doc, std::string_view name);
const PackedKind* find_packed_kind(const PackedDocument& doc, std::string_view group, std::string_view version,
                                   std::string_view kind);

}  // namespace pier::openapi
