#include "catalog/schema_lint.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

using nlohmann::json;

std::vector<std::string> lint(const char* schema) {
  std::vector<std::string> out;
  for (const auto& p : lint_schema(json::parse(schema), "s.json")) out.push_back(p.location + ": " + p.message);
  return out;
}

TEST(SchemaLint, CleanSchema) {
  EXPECT_TRUE(lint(R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {
      "g": {"type": "object", "title": "G", "properties": {"a": {"type": "string", "title": "A", "default": "x", "minLength": 1}}}}})")
                  .empty());
}

TEST(SchemaLint, UnknownKeywordWithSuggestion) {
  auto p = lint(R"({"type": "object", "properties": {"a": {"type": "string", "title": "A", "minlength": 3}}})");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "s.json#/properties/a/minlength: unknown JSON Schema keyword \"minlength\" (did you mean \"minLength\"?)");
}

TEST(SchemaLint, KeywordValues) {
  auto p = lint(R"({"type": "object", "properties": {
      "a": {"type": "strng", "title": "A"},
      "b": {"type": "string", "title": "B", "minLength": -1, "pattern": "([a-z"},
      "c": {"type": "string", "title": "C", "enum": []},
      "d": {"type": "integer", "title": "D", "maximum": "10"},
      "e": {"$ref": "#/definitions/nope"},
      "f": {"type": "object", "title": "F", "required": ["x", "x"]}}})");
  std::string all;
  for (const auto& s : p) all += s + "\n";
  EXPECT_NE(all.find("s.json#/properties/a/type: unknown type \"strng\""), std::string::npos) << all;
  EXPECT_NE(all.find("s.json#/properties/b/minLength: must be a non-negative integer"), std::string::npos) << all;
  EXPECT_NE(all.find("s.json#/properties/b/pattern: invalid regular expression"), std::string::npos) << all;
  EXPECT_NE(all.find("s.json#/properties/c/enum: must be a non-empty array"), std::string::npos) << all;
  EXPECT_NE(all.find("s.json#/properties/d/maximum: must be a number"), std::string::npos) << all;
  EXPECT_NE(all.find("s.json#/properties/e/$ref: cannot resolve \"#/definitions/nope\""), std::string::npos) << all;
  EXPECT_NE(all.find("lists \"x\" twice"), std::string::npos) << all;
}

TEST(SchemaLint, FieldsNeedTypeAndLabel) {
  auto p = lint(R"({"type": "object", "properties": {"a": {"minLength": 1}}})");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], "s.json#/properties/a: field \"a\" has no type");
  EXPECT_EQ(p[1], "s.json#/properties/a: field \"a\" has neither title nor description: a form cannot label it");
}

TEST(SchemaLint, LiteralDefaultMustFitItsField) {
  auto p = lint(R"({"type": "object", "properties": {
      "a": {"type": "string", "title": "A", "enum": ["x", "y"], "default": "z"},
      "b": {"type": "string", "title": "B", "default": "{{ a }}"}}})");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], R"(s.json#/properties/a/default: the default "z" breaks its own schema: must be one of "x", "y", got "z")");
}

TEST(SchemaLint, RootMustBeAnObjectOfDraft07) {
  auto p = lint(R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "array"})");
  std::string all;
  for (const auto& s : p) all += s + "\n";
  EXPECT_NE(all.find("expected the draft-07 meta-schema"), std::string::npos) << all;
  EXPECT_NE(all.find("the root must have \"type\": \"object\""), std::string::npos) << all;
  EXPECT_NE(all.find("no \"properties\""), std::string::npos) << all;
}

TEST(UiLint, NamesMustExist) {
  json schema = json::parse(R"({"type": "object", "properties": {"g": {"type": "object", "properties": {"a": {"type": "string"}}}}})");
  json ui = json::parse(R"({"ui:order": ["g", "h"], "g": {"a": {"ui:widget": "textarea"}, "b": {}, "ui:order": ["a", "*"]},
                            "x": {"ui:widget": "fancy"}})");
  std::vector<std::string> p;
  for (const auto& d : lint_ui(ui, schema, "ui.json")) p.push_back(d.location + ": " + d.message);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], "ui.json#/g/b: names field \"b\", which the schema does not have");
  EXPECT_EQ(p[1], "ui.json#/ui:order: names \"h\", which the schema does not have");
  EXPECT_EQ(p[2], "ui.json#/x: names field \"x\", which the schema does not have");
}

TEST(UiLint, WidgetsAndAdvanced) {
  json schema = json::parse(R"({"type": "object", "properties": {"a": {"type": "string"}}})");
  json ui = json::parse(R"({"a": {"ui:widget": "fancy", "ui:options": {"advanced": "yes"}}})");
  auto p = lint_ui(ui, schema, "ui.json");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].message, "must be true or false");
  EXPECT_EQ(p[1].message, "unknown widget \"fancy\"");
}

}  // namespace
}  // namespace pier::catalog
