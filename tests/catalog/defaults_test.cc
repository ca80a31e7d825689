#include "catalog/defaults.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

using nlohmann::json;

const json kExtra = {{"release", {{"name", "web"}, {"namespace", "shop"}}}, {"app", {{"name", "demo"}, {"version", "1.0.0"}}}};

DefaultsPlan plan_for(const char* schema) {
  auto plan = DefaultsPlan::compile(json::parse(schema), "schema.json");
  EXPECT_TRUE(plan) << plan.error().message;
  return std::move(*plan);
}

TEST(Defaults, LiteralDefaultsFillMissingValuesAndGroups) {
  auto plan = plan_for(R"({"properties": {"g": {"type": "object", "properties": {
      "a": {"type": "integer", "default": 3}, "b": {"type": "string", "default": "x"}}}}})");
  auto v = plan.apply(json::parse(R"({"g": {"b": "given"}})"), kExtra);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, json::parse(R"({"g": {"a": 3, "b": "given"}})"));
  v = plan.apply(json::object(), kExtra);
  EXPECT_EQ(*v, json::parse(R"({"g": {"a": 3, "b": "x"}})"));
}

TEST(Defaults, TemplateDefaultsSeeOtherValuesAndTheirDefaults) {
  // xms depends on xmx, which itself is a template default: order matters.
  auto plan = plan_for(R"({"properties": {"j": {"type": "object", "properties": {
      "xms": {"type": "string", "default": "{{ j.xmx }}"},
      "xmx": {"type": "string", "default": "{{ j.mem }}"},
      "mem": {"type": "string", "default": "1g"},
      "host": {"type": "string", "default": "{{ release.name }}.{{ release.namespace }}.example.com"}}}}})");
  auto v = plan.apply(json::object(), kExtra);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, json::parse(R"({"j": {"xms": "1g", "xmx": "1g", "mem": "1g", "host": "web.shop.example.com"}})"));
  EXPECT_FALSE(v->contains("release"));  // the extras do not leak into the values
}

TEST(Defaults, SingleExpressionKeepsItsType) {
  auto plan = plan_for(R"({"properties": {"g": {"type": "object", "properties": {
      "on": {"type": "boolean", "default": true},
      "copy": {"type": "boolean", "default": "{{ g.on }}"},
      "n": {"type": "integer", "default": "{{ 2 * 3 }}"},
      "text_n": {"type": "integer", "default": "{{ 4 }}0"},
      "flag": {"type": "boolean", "default": "{% if g.on %}true{% else %}false{% endif %}"}}}}})");
  auto v = plan.apply(json::object(), kExtra);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, json::parse(R"({"g": {"on": true, "copy": true, "n": 6, "text_n": 40, "flag": true}})"));
}

TEST(Defaults, SelfReferenceTakesThePresetValue) {
  auto plan = plan_for(R"({"properties": {"global": {"type": "object", "properties": {
      "org": {"type": "string", "default": "{{global.org}}"}}}}})");
  auto v = plan.apply(json::parse(R"({"global": {"org": "shop"}})"), kExtra);
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["global"]["org"], "shop");
}

TEST(Defaults, SelfReferenceWithoutValueIsACycle) {
  auto plan = plan_for(R"({"properties": {"global": {"type": "object", "properties": {
      "org": {"type": "string", "default": "{{global.org}}"}}}}})");
  auto v = plan.apply(json::object(), kExtra);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message,
            "/global/org: defaults depend on each other in a cycle: global.org -> global.org (the default refers to "
            "the value itself: set global.org in the values or in the preset)");
}

TEST(Defaults, CycleNamesTheChain) {
  auto plan = plan_for(R"({"properties": {"a": {"type": "object", "properties": {
      "x": {"type": "string", "default": "{{ a.y }}"},
      "y": {"type": "string", "default": "{{ a.z }}-1"},
      "z": {"type": "string", "default": "{{ a['x'] }}"}}}}})");
  auto v = plan.apply(json::object(), kExtra);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(v.error().message.find("a.x -> a.y -> a.z -> a.x"), std::string::npos) << v.error().message;
  // Giving one value of the circle breaks it.
  v = plan.apply(json::parse(R"({"a": {"z": "given"}})"), kExtra);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, json::parse(R"({"a": {"x": "given-1", "y": "given-1", "z": "given"}})"));
}

TEST(Defaults, UndefinedReferenceNamesTheDefault) {
  auto plan = plan_for(R"({"properties": {"a": {"type": "object", "properties": {
      "x": {"type": "string", "default": "{{ b.nothing }}"}}}}})");
  auto v = plan.apply(json::object(), kExtra);
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().message.starts_with("default of /a/x: schema.json#/properties/a/properties/x/default:1:"))
      << v.error().message;
  EXPECT_NE(v.error().message.find("undefined"), std::string::npos) << v.error().message;
}

TEST(Defaults, TemplateSyntaxErrorAtCompileTime) {
  auto plan = DefaultsPlan::compile(json::parse(R"({"properties": {"a": {"type": "string", "default": "{{ x + }}"}}})"),
                                    "s.json");
  ASSERT_FALSE(plan);
  EXPECT_TRUE(plan.error().message.starts_with("s.json#/properties/a/default:1:")) << plan.error().message;
}

TEST(Defaults, ArrayItemsGetLiteralDefaults) {
  auto plan = plan_for(R"({"properties": {"ports": {"type": "array", "items": {"type": "object", "properties": {
      "port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"}}}}}})");
  auto v = plan.apply(json::parse(R"({"ports": [{"port": 80}, {"port": 53, "protocol": "UDP"}]})"), kExtra);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, json::parse(R"({"ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]})"));
}

TEST(Defaults, TemplateDefaultsInsideArrayItemsAreRefused) {
  auto plan = DefaultsPlan::compile(json::parse(R"({"properties": {"ports": {"type": "array", "items": {"type": "object",
      "properties": {"name": {"type": "string", "default": "{{ release.name }}"}}}}}})"), "s.json");
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("not supported inside array items"), std::string::npos);
}

TEST(Defaults, ValuesOfTheWrongShapeAreLeftForValidation) {
  auto plan = plan_for(R"({"properties": {"g": {"type": "object", "properties": {"a": {"type": "integer", "default": 1}}}}})");
  auto v = plan.apply(json::parse(R"({"g": "not an object"})"), kExtra);
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["g"], "not an object");
}

TEST(MentionedNames, FindsDottedAndIndexedNamesInsideTags) {
  auto names = mentioned_names("x.y {{ a.b ~ c['d'].e }} {% if f and g.h %}{{ 'q.r' }}{% endif %} {# i.j #}");
  EXPECT_EQ(names, (std::vector<std::string>{"a.b", "c.d.e", "f", "g.h"}));
}

}  // namespace
}  // namespace pier::catalog
