#include "catalog/value_checks.h"

#include <gtest/gtest.h>

#include "catalog/values_validator.h"

namespace pier::catalog {
namespace {

using nlohmann::json;

std::vector<ValueProblem> problems_of(const char* schema, const char* values) {
  auto v = ValuesValidator::compile(json::parse(schema), "schema.json");
  EXPECT_TRUE(v) << v.error().message;
  return v->validate(json::parse(values));
}

std::string listed(const std::vector<ValueProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.pointer + " " + p.rule + ": " + p.message + "\n";
  return out;
}

TEST(ValueChecks, PatternsAlongPropertiesItemsAllOfAndRefs) {
  const char* schema = R"({
    "definitions": {"name": {"type": "string", "pattern": "^[a-z]+$"}},
    "type": "object",
    "properties": {
      "a": {"$ref": "#/definitions/name"},
      "list": {"type": "array", "items": {"$ref": "#/definitions/name"}},
      "both": {"allOf": [{"pattern": "^x"}, {"pattern": "y$"}]},
      "map": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[0-9]+$"}}
    }})";
  auto p = problems_of(schema, R"({"a": "Bad", "list": ["ok", "No"], "both": "xz", "map": {"k": "12", "m": "1x"}})");
  EXPECT_EQ(listed(p),
            "/a pattern: must match pattern \"^[a-z]+$\", got \"Bad\"\n"
            "/both pattern: must match pattern \"y$\", got \"xz\"\n"
            "/list/1 pattern: must match pattern \"^[a-z]+$\", got \"No\"\n"
            "/map/m pattern: must match pattern \"^[0-9]+$\", got \"1x\"\n");
  EXPECT_TRUE(problems_of(schema, R"({"a": "ok", "list": ["ok"], "both": "xy", "map": {"k": "12"}})").empty());
}

TEST(ValueChecks, ConditionalPatternsStayWithTheValidator) {
  // A failing anyOf branch does not make the value invalid.
  const char* schema = R"({"type": "object", "properties": {
      "size": {"anyOf": [{"type": "string", "pattern": "^[0-9]+Mi$"}, {"type": "string", "pattern": "^[0-9]+Gi$"}]}}})";
  EXPECT_TRUE(problems_of(schema, R"({"size": "2Gi"})").empty());
  auto p = problems_of(schema, R"({"size": "2Ti"})");
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].pointer, "/size");
}

TEST(ValueChecks, RecursiveSchemasTerminate) {
  const char* schema = R"({"$ref": "#/definitions/node", "definitions": {"node": {"type": "object", "properties": {
      "name": {"type": "string", "pattern": "^[a-z]+$"},
      "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}}})";
  auto p = problems_of(schema, R"({"name": "root", "children": [{"name": "a", "children": [{"name": "B"}]}]})");
  EXPECT_EQ(listed(p), "/children/0/children/0/name pattern: must match pattern \"^[a-z]+$\", got \"B\"\n");
}

TEST(ValueChecks, SecretsAreHiddenAndHugeValuesAreSafe) {
  const char* schema = R"({"type": "object", "properties": {
      "token": {"type": "string", "writeOnly": true, "pattern": "^[a-z]+$"},
      "path": {"type": "string", "pattern": "^/[^\\s]*$"}}})";
  std::string values = R"({"token": "Sup3rSecret", "path": "/)" + std::string(300'000, 'a') + R"( "})";
  auto p = problems_of(schema, values.c_str());
  ASSERT_EQ(p.size(), 2u) << listed(p);
  EXPECT_EQ(p[0].pointer, "/path");
  EXPECT_EQ(p[1].message, "must match pattern \"^[a-z]+$\", got (hidden)");
  EXPECT_EQ(listed(p).find("Sup3rSecret"), std::string::npos);
}

TEST(ValueChecks, PatternProblemsMergeWithTheOthersInDocumentOrder) {
  const char* schema = R"({"type": "object", "required": ["z"], "properties": {
      "a": {"type": "string", "pattern": "^a"}, "b": {"type": "integer"}, "c": {"type": "string", "pattern": "^c"},
      "z": {"type": "string"}}})";
  auto p = problems_of(schema, R"({"a": "x", "b": "y", "c": "x"})");
  ASSERT_EQ(p.size(), 4u) << listed(p);
  EXPECT_EQ(p[0].pointer, "/a");
  EXPECT_EQ(p[1].pointer, "/b");
  EXPECT_EQ(p[2].pointer, "/c");
  EXPECT_EQ(p[3].pointer, "/z");
}

TEST(ValueChecks, PropertyNamesPatternIsChecked) {
  // valijson 1.0 lets a key that breaks propertyNames.pattern through.
  const char* schema = R"({"type": "object", "properties": {"env": {"type": "object",
      "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}, "additionalProperties": {"type": "string"}}}})";
  EXPECT_TRUE(problems_of(schema, R"({"env": {"JAVA_OPTS": "-Xmx1g", "_x": ""}})").empty());
  auto p = problems_of(schema, R"({"env": {"1x": "y", "A-B": "z", "OK": "v"}})");
  EXPECT_EQ(listed(p),
            "/env/1x propertyNames: property name \"1x\" must match pattern \"^[A-Za-z_][A-Za-z0-9_]*$\"\n"
            "/env/A-B propertyNames: property name \"A-B\" must match pattern \"^[A-Za-z_][A-Za-z0-9_]*$\"\n");
}

TEST(ValueChecks, InvalidPatternIsACompileErrorWithItsPointer) {
  auto v = ValuesValidator::compile(json::parse(R"({"properties": {"a": {"pattern": "([a-z"}}})"), "schema.json");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("schema.json: /properties/a/pattern: invalid regular expression"), std::string::npos)
      << v.error().message;
}

}  // namespace
}  // namespace pier::catalog
