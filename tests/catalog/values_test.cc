#include "catalog/values.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

using nlohmann::json;

const json kSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "web": {"type": "object", "properties": {
      "replicas": {"type": "integer"}, "ratio": {"type": "number"}, "debug": {"type": "boolean"},
      "version": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
      "env": {"type": "object", "additionalProperties": {"type": "string"}},
      "ports": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "integer"}}}}
    }}
  }
})");

TEST(MergeValues, ObjectsMergeOtherValuesReplace) {
  json base = json::parse(R"({"a": {"x": 1, "y": [1, 2]}, "b": 1})");
  merge_values(base, json::parse(R"({"a": {"y": [3], "z": true}, "c": null})"));
  EXPECT_EQ(base, json::parse(R"({"a": {"x": 1, "y": [3], "z": true}, "b": 1, "c": null})"));
}

TEST(ApplySet, TypesValuesByTheSchema) {
  json v = json::object();
  ASSERT_TRUE(apply_set(v, "web.replicas=3", kSchema));
  ASSERT_TRUE(apply_set(v, "web.version=1.10", kSchema));  // a string, not the number 1.1
  ASSERT_TRUE(apply_set(v, "web.debug=true", kSchema));
  ASSERT_TRUE(apply_set(v, "web.ratio=0.5", kSchema));
  ASSERT_TRUE(apply_set(v, R"(web.tags=["a","b"])", kSchema));
  ASSERT_TRUE(apply_set(v, "web.env.LANG=C.UTF-8", kSchema));
  EXPECT_EQ(v, json::parse(R"({"web": {"replicas": 3, "version": "1.10", "debug": true, "ratio": 0.5,
                                      "tags": ["a", "b"], "env": {"LANG": "C.UTF-8"}}})"));
}

TEST(ApplySet, IndexesAndEscapedDots) {
  json v = json::object();
  ASSERT_TRUE(apply_set(v, "web.ports[1].port=8080", kSchema));
  ASSERT_TRUE(apply_set(v, R"(labels.app\.kubernetes\.io/name=x)", kSchema));
  EXPECT_EQ(v, json::parse(R"({"web": {"ports": [null, {"port": 8080}]}, "labels": {"app.kubernetes.io/name": "x"}})"));
}

TEST(ApplySet, UnknownPathsTryJsonThenText) {
  json v = json::object();
  ASSERT_TRUE(apply_set(v, "x.n=5", kSchema));
  ASSERT_TRUE(apply_set(v, "x.s=hello", kSchema));
  EXPECT_EQ(v, json::parse(R"({"x": {"n": 5, "s": "hello"}})"));
}

TEST(ApplySet, WrongTypeSaysWhatWasExpected) {
  json v = json::object();
  auto r = apply_set(v, "web.replicas=three", kSchema);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--set web.replicas=three: /web/replicas expects an integer, got \"three\"");
  r = apply_set(v, "web.debug=yes", kSchema);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--set web.debug=yes: /web/debug expects true or false, got \"yes\"");
}

TEST(ApplySet, MalformedExpressions) {
  json v = json::object();
  EXPECT_NE(apply_set(v, "web.replicas", kSchema).error().message.find("expected path=value"), std::string::npos);
  EXPECT_NE(apply_set(v, "web..replicas=1", kSchema).error().message.find("empty key"), std::string::npos);
  EXPECT_NE(apply_set(v, "web.ports[x]=1", kSchema).error().message.find("array index must be a number"), std::string::npos);
  EXPECT_NE(apply_set(v, "web.ports[1=1", kSchema).error().message.find("missing ']'"), std::string::npos);
  EXPECT_NE(apply_set(v, "web.ports[99999999]=1", kSchema).error().message.find("too large"), std::string::npos);
}

TEST(SubschemaAt, FollowsPropertiesItemsAndRefs) {
  json schema = json::parse(R"({"definitions": {"port": {"type": "integer"}},
    "properties": {"a": {"type": "array", "items": {"$ref": "#/definitions/port"}}}})");
  const json* s = subschema_at(schema, {"a", "0"});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["type"], "integer");
  EXPECT_EQ(subschema_at(schema, {"b"}), nullptr);
}

TEST(JsonPointerOf, EscapesTokens) { EXPECT_EQ(json_pointer_of({"a/b", "c~d"}), "/a~1b/c~0d"); }

}  // namespace
}  // namespace pier::catalog
