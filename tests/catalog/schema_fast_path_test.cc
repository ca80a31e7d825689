#include "catalog/schema_fast_path.h"

#include <gtest/gtest.h>

#include <random>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "catalog/app.h"
#include "catalog/render.h"
#include "catalog/value_checks.h"

namespace pier::catalog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool proves(const json& schema, const json& values) { return SchemaFastPath::compile(schema).proves_valid(values); }

// The reference: whether valijson (as ValuesValidator calls it) finds no error.
bool valijson_accepts(const json& schema, const json& values) {
  valijson::Schema compiled;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
  parser.populateSchema(schema_adapter, compiled);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(values);
  try {
    return validator.validate(compiled, target, &results) && results.numErrors() == 0;
  } catch (const std::exception&) {
    return false;
  }
}

TEST(SchemaFastPath, ProvesValidValuesValid) {
  const json schema = json::parse(R"({
    "type": "object", "required": ["name"], "additionalProperties": false,
    "properties": {
      "name": {"type": "string", "minLength": 2, "maxLength": 4, "format": "hostname", "title": "Name"},
      "size": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
      "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1.5},
      "mode": {"type": "string", "enum": ["a", "b"]},
      "on": {"type": ["boolean", "null"]},
      "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
      "env": {"type": "object", "propertyNames": {"pattern": "^[A-Z]+$"}, "additionalProperties": {"type": "string"}},
      "labels": {"type": "object", "minProperties": 1, "maxProperties": 1}
    }})");
  EXPECT_TRUE(proves(schema, json::parse(R"({"name": "ab"})")));
  EXPECT_TRUE(proves(schema, json::parse(R"({"name": "\u00e9\u00e9\u00e9\u00e9", "size": 9, "ratio": 1.5, "mode": "b",
      "on": null, "tags": ["x", "y"], "env": {}, "labels": {"k": 1}})")));
}

TEST(SchemaFastPath, LeavesEveryBrokenRuleToValijson) {
  const json schema = json::parse(R"({
    "type": "object", "required": ["name"], "additionalProperties": false,
    "properties": {
      "name": {"type": "string", "minLength": 2, "maxLength": 4, "format": "hostname"},
      "size": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
      "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1.5},
      "mode": {"type": "string", "enum": ["a", "b"]},
      "tags": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
      "env": {"type": "object", "propertyNames": {"pattern": "^[A-Z]+$"}},
      "labels": {"type": "object", "minProperties": 1, "maxProperties": 1}
    }})");
  for (const char* values : {R"({})", R"({"name": "a"})", R"({"name": "abcde"})", R"({"name": 12})",
                             R"({"name": "ab", "size": 0})", R"({"name": "ab", "size": 10})",
                             R"({"name": "ab", "size": 2.0})", R"({"name": "ab", "ratio": 0})",
                             R"({"name": "ab", "ratio": 1.6})", R"({"name": "ab", "mode": "c"})",
                             R"({"name": "ab", "tags": []})", R"({"name": "ab", "tags": ["a", "b", "c"]})",
                             R"({"name": "ab", "tags": [1]})", R"({"name": "ab", "env": {"A": "1"}})",
                             R"({"name": "ab", "labels": {}})", R"({"name": "ab", "labels": {"a": 1, "b": 2}})",
                             R"({"name": "ab", "other": 1})", R"([])"}) {
    EXPECT_FALSE(proves(schema, json::parse(values))) << values;
  }
}

TEST(SchemaFastPath, LeavesUnknownKeywordsToValijson) {
  for (const char* schema : {R"({"anyOf": [{"type": "string"}]})", R"({"pattern": "^a"})", R"({"$ref": "#"})",
                             R"({"const": "a"})", R"({"format": "date"})", R"({"multipleOf": 2})", R"({"x-ui": 1})",
                             R"({"enum": [1, 2]})", R"({"items": [{"type": "string"}]})", R"({"type": "any"})"}) {
    EXPECT_FALSE(proves(json::parse(schema), json::parse(R"("a")"))) << schema;
    EXPECT_FALSE(proves(json::parse(schema), json::parse("1"))) << schema;
  }
}

TEST(SchemaFastPath, LeavesNamesWithNulBytesToValijson) {
  // valijson looks "a\u0000b" up as "a": this object has an unknown property there.
  const json schema = json::parse(R"({"properties": {"a\u0000b": {"type": "string"}}, "additionalProperties": false})");
  const json values = json::parse(R"({"a\u0000b": "x"})");
  EXPECT_FALSE(valijson_accepts(schema, values));
  EXPECT_FALSE(proves(schema, values));
  EXPECT_FALSE(proves(json::parse(R"({"required": ["a\u0000b"]})"), values));
}

TEST(SchemaFastPath, BundledSamplesTakeTheFastPath) {
  const fs::path catalog = fs::path(PIER_SOURCE_DIR) / "catalog";
  auto apps = list_apps(catalog);
  ASSERT_TRUE(apps);
  int proven = 0;
  for (const auto& dir : *apps) {
    auto app = load_app(dir);
    ASSERT_TRUE(app) << app.error().describe();
    json for_valijson;
    ASSERT_TRUE(ValueChecks::compile(app->schema, "schema.json", for_valijson));
    auto fast = SchemaFastPath::compile(for_valijson);
    for (const auto& [name, sample] : app->samples) {
      RenderRequest request;
      request.release_name = app->name;
      request.namespace_name = "demo";
      request.values.push_back(sample);
      auto values = resolve_values(*app, request);
      ASSERT_TRUE(values) << app->name << "/" << name << ": " << values.error().describe();
      // An empty env map or the like is fine; a filled one goes to valijson.
      if (fast.proves_valid(*values)) ++proven;
      else EXPECT_TRUE(valijson_accepts(for_valijson, *values));
    }
  }
  EXPECT_GE(proven, 3);
}

// Random schemas of the keywords the fast path knows (and a few it does not)
// against random values near their limits: whatever it proves valid, valijson
// must accept.
TEST(SchemaFastPath, NeverProvesWhatValijsonRejects) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const std::vector<json> scalars = {nullptr, true, false, 0, 1, -1, 2, 9, 10, 1.5, 2.0, -0.5, 18446744073709551615u,
                                     "", "a", "ab", "abc", "\u00e9\u00e9", std::string("a\0b", 3), "x", "hostname"};
  const char* keys[] = {"a", "b", "c"};
  std::function<json(int)> schema_of = [&](int depth) {
    json s = json::object();
    const char* types[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    if (pick(3) > 0) s["type"] = pick(4) == 0 ? json::array({types[pick(7)], types[pick(7)]}) : json(types[pick(7)]);
    if (pick(4) == 0) s["minLength"] = pick(3);
    if (pick(4) == 0) s["maxLength"] = pick(3);
    if (pick(4) == 0) s[pick(2) ? "minimum" : "exclusiveMinimum"] = pick(2) ? json(pick(3) - 1) : json(0.5);
    if (pick(4) == 0) s[pick(2) ? "maximum" : "exclusiveMaximum"] = pick(2) ? json(pick(11)) : json(1.5);
    if (pick(6) == 0) s["enum"] = json::array({scalars[pick(scalars.size())], scalars[pick(scalars.size())]});
    if (pick(8) == 0) s["format"] = pick(2) ? "hostname" : "date";
    if (pick(10) == 0) s["multipleOf"] = 2;
    if (depth < 3 && pick(2) == 0) {
      json props = json::object();
      for (const char* k : keys)
        if (pick(2) == 0) props[k] = schema_of(depth + 1);
      s["properties"] = props;
      if (pick(3) == 0) s["additionalProperties"] = pick(2) ? json(false) : schema_of(depth + 1);
      if (pick(3) == 0) s["required"] = json::array({keys[pick(3)]});
      if (pick(5) == 0) s[pick(2) ? "minProperties" : "maxProperties"] = pick(3);
      if (pick(6) == 0) s["propertyNames"] = json::object({{"maxLength", 1}});
    }
    if (depth < 3 && pick(3) == 0) {
      s["items"] = schema_of(depth + 1);
      if (pick(3) == 0) s[pick(2) ? "minItems" : "maxItems"] = pick(3);
    }
    return s;
  };
  std::function<json(int)> value_of = [&](int depth) -> json {
    int kind = pick(depth < 3 ? 5 : 3);
    if (kind < 3) return scalars[pick(scalars.size())];
    if (kind == 3) {
      json a = json::array();
      for (int i = pick(4); i > 0; --i) a.push_back(value_of(depth + 1));
      return a;
    }
    json o = json::object();
    for (const char* k : keys)
      if (pick(2) == 0) o[k] = value_of(depth + 1);
    if (pick(8) == 0) o["zz"] = value_of(depth + 1);
    return o;
  };
  int proven = 0;
  for (int round = 0; round < 4000; ++round) {
    json schema = schema_of(0);
    auto fast = SchemaFastPath::compile(schema);
    for (int i = 0; i < 5; ++i) {
      json values = value_of(0);
      if (!fast.proves_valid(values)) continue;
      ++proven;
      ASSERT_TRUE(valijson_accepts(schema, values)) << "schema " << schema.dump() << "\nvalues " << values.dump();
    }
  }
  EXPECT_GT(proven, 2000);  // the test means something only if the fast path often applies
}

}  // namespace
}  // namespace pier::catalog
