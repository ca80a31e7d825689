#include "openapi/pack.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::openapi {
namespace {

using json = nlohmann::json;

struct Packed {
  PackedStorage storage;
  PackedDocument doc;
  const PackedNode& definition(std::string_view name) const {
    const PackedDefinition* d = find_packed_definition(doc, name);
    EXPECT_NE(d, nullptr) << name;
    return doc.nodes[static_cast<std::size_t>(d->node)];
  }
  const PackedProperty& property(const PackedNode& node, std::string_view name) const {
    const PackedProperty* p = find_packed_property(doc, node, name);
    EXPECT_NE(p, nullptr) << name;
    return *p;
  }
  const PackedNode& node_of(const PackedProperty& p) const { return doc.nodes[static_cast<std::size_t>(p.node)]; }
};

Packed pack(const json& document, std::string_view fallback = {}) {
  auto storage = pack_document(document, fallback);
  EXPECT_TRUE(storage) << (storage ? "" : storage.error().message);
  Packed p{std::move(*storage), {}};
  p.doc = p.storage.view();
  return p;
}

TEST(PackTest, ResolvesReferencesToTheDefinitionNode) {
  auto p = pack(R"({"definitions": {
    "A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/B"}, "self": {"$ref": "#/definitions/A"}}},
    "B": {"type": "object", "properties": {"x": {"type": "string"}}}}})"_json);
  const PackedNode& a = p.definition("A");
  EXPECT_EQ(p.property(a, "b").node, find_packed_definition(p.doc, "B")->node);
  EXPECT_EQ(p.property(a, "self").node, find_packed_definition(p.doc, "A")->node);
  EXPECT_EQ(p.doc.str(p.doc.definitions[0].name), "A");  // sorted
}

TEST(PackTest, SharesLeavesAndSortsProperties) {
  auto p = pack(R"({"definitions": {"A": {"type": "object", "properties": {
    "z": {"type": "string", "description": "one"}, "a": {"type": "string", "description": "two"},
    "n": {"type": "integer", "format": "int32"}, "m": {"type": "integer"}}}}})"_json);
  const PackedNode& a = p.definition("A");
  ASSERT_EQ(a.property_count, 4u);
  auto props = p.doc.properties_of(a);
  EXPECT_EQ(p.doc.str(props[0].name), "a");
  EXPECT_EQ(p.doc.str(props[3].name), "z");
  EXPECT_EQ(p.property(a, "a").node, p.property(a, "z").node);
  EXPECT_EQ(p.node_of(p.property(a, "n")).format, NodeFormat::kInt32);
  EXPECT_EQ(p.node_of(p.property(a, "m")).format, NodeFormat::kInt64);
  EXPECT_EQ(p.doc.strings.find("one"), std::string_view::npos);  // descriptions dropped
}

TEST(PackTest, ObjectKeyPolicies) {
  auto p = pack(R"({"definitions": {
    "Closed": {"type": "object", "properties": {"a": {"type": "string"}}},
    "Free": {"type": "object"},
    "Map": {"type": "object", "additionalProperties": {"type": "string"}},
    "MapTrue": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true},
    "Preserve": {"type": "object", "properties": {"a": {"type": "string"}}, "x-kubernetes-preserve-unknown-fields": true},
    "Untyped": {"properties": {"a": {"type": "string"}}},
    "Nothing": {}}})"_json);
  EXPECT_FALSE(p.definition("Closed").open);
  EXPECT_TRUE(p.definition("Free").open);
  EXPECT_EQ(p.definition("Free").type, NodeType::kObject);
  EXPECT_NE(p.definition("Map").element, kNoNode);
  EXPECT_FALSE(p.definition("Map").open);
  EXPECT_TRUE(p.definition("MapTrue").open);
  EXPECT_TRUE(p.definition("Preserve").open);
  EXPECT_EQ(p.definition("Untyped").type, NodeType::kObject);
  EXPECT_EQ(p.definition("Nothing").type, NodeType::kAny);
}

TEST(PackTest, SpecialTypes) {
  auto p = pack(R"({"definitions": {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
    "Bytes": {"type": "string", "format": "byte"},
    "Alias": {"$ref": "#/definitions/Bytes"},
    "Wrapped": {"allOf": [{"$ref": "#/definitions/Bytes"}]}}})"_json);
  EXPECT_EQ(p.definition(kQuantityDefinition).type, NodeType::kQuantity);
  EXPECT_EQ(p.definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString").type, NodeType::kIntOrString);
  EXPECT_EQ(p.definition("Bytes").format, NodeFormat::kByte);
  EXPECT_EQ(p.definition("Alias").format, NodeFormat::kByte);
  EXPECT_EQ(p.definition("Wrapped").format, NodeFormat::kByte);
}

TEST(PackTest, RequiredNamesWithoutAPropertyAreStillRequired) {
  auto p = pack(R"({"definitions": {"A": {"type": "object", "required": ["b", "c"],
    "properties": {"b": {"type": "string"}}}}})"_json);
  const PackedNode& a = p.definition("A");
  EXPECT_TRUE(p.property(a, "b").required);
  EXPECT_TRUE(p.property(a, "c").required);
  EXPECT_EQ(p.node_of(p.property(a, "c")).type, NodeType::kAny);
}

TEST(PackTest, Version) {
  const json defs = {{"definitions", json::object()}};
  EXPECT_EQ(pack(defs).storage.version, "unversioned");
  EXPECT_EQ(pack(defs, "v1.2.3").storage.version, "v1.2.3");
  json with_info = defs;
  with_info["info"] = {{"version", "v1.30.1"}};
  EXPECT_EQ(pack(with_info, "v1.2.3").storage.version, "v1.30.1");
  with_info["info"]["version"] = "unversioned";
  EXPECT_EQ(pack(with_info, "v1.2.3").storage.version, "v1.2.3");
}

TEST(PackTest, VersionInFileName) {
  EXPECT_EQ(version_in_file_name("swagger-v1.35.0.json"), "v1.35.0");
  EXPECT_EQ(version_in_file_name("openapi-v2-v1.29.10.json"), "v1.29.10");
  EXPECT_EQ(version_in_file_name("swagger.json"), "");
  EXPECT_EQ(version_in_file_name("v1.2.json"), "");
}

TEST(PackTest, Errors) {
  auto message = [](const json& doc) {
    auto r = pack_document(doc);
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(message(R"({"definitions": {"A": {"$ref": "http://example.com/x"}}})"_json),
            "definitions[\"A\"]: unsupported $ref \"http://example.com/x\" (only \"#/definitions/...\")");
  EXPECT_EQ(message(R"({"definitions": {"A": {"type": "object", "properties": []}}})"_json),
            "definitions[\"A\"].properties: expected an object");
  EXPECT_EQ(message(R"({"definitions": {"A": {"type": "object", "required": "x"}}})"_json),
            "definitions[\"A\"].required: expected a list of names");
  EXPECT_EQ(message(R"({"definitions": {"A": 3}})"_json), "definitions[\"A\"]: a schema must be an object");
  EXPECT_EQ(message(R"({"definitions": {"A": {"$ref": "#/definitions/A"}}})"_json), "ok");  // a cycle: anything
}

TEST(PackTest, BuiltinDocumentIsPacked) {
  const PackedDocument& doc = builtin_packed_document();
  EXPECT_EQ(doc.version, "v1.35.0");
  EXPECT_GT(doc.definitions.size(), 700u);
  const PackedKind* k = find_packed_kind(doc, "apps", "v1", "Deployment");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->served);
  EXPECT_EQ(doc.str(doc.definitions[k->definition].name), "io.k8s.api.apps.v1.Deployment");
  EXPECT_FALSE(find_packed_kind(doc, "apps", "v1", "DeploymentList")->served);
}

}  // namespace
}  // namespace pier::openapi
