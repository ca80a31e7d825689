#include "catalog/values_validator.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

using nlohmann::json;

ValuesValidator validator_for(const char* schema) {
  auto v = ValuesValidator::compile(json::parse(schema), "schema.json");
  EXPECT_TRUE(v) << v.error().message;
  return std::move(*v);
}

const char* kSchema = R"({
  "type": "object", "additionalProperties": false,
  "properties": {
    "jetty": {"type": "object", "required": ["image"], "properties": {
      "image": {"type": "string", "minLength": 1},
      "version": {"type": "string", "minLength": 3},
      "limit_cpu": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?m?$"},
      "replicas": {"type": "integer", "minimum": 1, "maximum": 50},
      "registry": {"type": "string", "enum": ["reg.local:5000", "registry.example.com"]},
      "host": {"type": "string", "format": "hostname"},
      "password": {"type": "string", "format": "password", "minLength": 8},
      "token": {"type": "string", "writeOnly": true, "pattern": "^[a-z]+$"},
      "ports": {"type": "array", "items": {"type": "integer", "maximum": 65535}}
    }}
  }
})";

TEST(ValuesValidator, ValidValuesHaveNoProblems) {
  auto v = validator_for(kSchema);
  EXPECT_TRUE(v.validate(json::parse(R"({"jetty": {"image": "web", "version": "9.4", "limit_cpu": "0.5",
      "replicas": 2, "registry": "reg.local:5000", "host": "a.example.com", "ports": [80]}})")).empty());
}

TEST(ValuesValidator, ReportsEveryProblemWithPointerRuleAndValue) {
  auto v = validator_for(kSchema);
  auto problems = v.validate(json::parse(R"({"jetty": {"version": "9", "limit_cpu": "lots", "replicas": 0,
      "registry": "docker.io", "host": "-bad-", "ports": [80, 70000]}, "extra": 1})"));
  std::map<std::string, std::pair<std::string, std::string>> by_pointer;
  for (const auto& p : problems) by_pointer[p.pointer] = {p.rule, p.message};
  EXPECT_EQ(problems.size(), 8u);
  EXPECT_EQ(by_pointer["/jetty/image"], std::make_pair(std::string("required"), std::string("required property missing")));
  EXPECT_EQ(by_pointer["/jetty/version"].second, "must be at least 3 characters long, got \"9\"");
  EXPECT_EQ(by_pointer["/jetty/limit_cpu"].first, "pattern");
  EXPECT_EQ(by_pointer["/jetty/limit_cpu"].second, R"(must match pattern "^[0-9]+(\\.[0-9]+)?m?$", got "lots")");
  EXPECT_EQ(by_pointer["/jetty/replicas"].second, "must be >= 1, got 0");
  EXPECT_EQ(by_pointer["/jetty/registry"].second, R"(must be one of "reg.local:5000", "registry.example.com", got "docker.io")");
  EXPECT_EQ(by_pointer["/jetty/host"], std::make_pair(std::string("format"), std::string("must be a valid hostname, got \"-bad-\"")));
  EXPECT_EQ(by_pointer["/jetty/ports/1"].second, "must be <= 65535, got 70000");
  EXPECT_EQ(by_pointer["/extra"].first, "additionalProperties");
}

TEST(ValuesValidator, TypeErrorsNameBothTypes) {
  auto v = validator_for(kSchema);
  auto problems = v.validate(json::parse(R"({"jetty": {"image": "web", "replicas": "3"}})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/jetty/replicas");
  EXPECT_EQ(problems[0].rule, "type");
  EXPECT_EQ(problems[0].message, "expected integer, got string \"3\"");
}

TEST(ValuesValidator, SecretsAreNeverEchoed) {
  auto v = validator_for(kSchema);
  auto problems = v.validate(json::parse(R"({"jetty": {"image": "web", "password": "hunter2", "token": "S3CRET"}})"));
  ASSERT_EQ(problems.size(), 2u);
  for (const auto& p : problems) {
    EXPECT_EQ(p.message.find("hunter2"), std::string::npos) << p.message;
    EXPECT_EQ(p.message.find("S3CRET"), std::string::npos) << p.message;
    EXPECT_NE(p.message.find("(hidden)"), std::string::npos) << p.message;
  }
}

TEST(ValuesValidator, ErrorBundlesEveryProblem) {
  auto v = validator_for(kSchema);
  auto error = values_error(v.validate(json::parse(R"({"jetty": {"replicas": 0}})")), "values do not match schema.json");
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  EXPECT_EQ(error.message, "values do not match schema.json: 2 problems");
  ASSERT_EQ(error.details.size(), 2u);
  EXPECT_EQ(error.describe(),
            "values do not match schema.json: 2 problems\n"
            "  /jetty/image: required property missing (required)\n"
            "  /jetty/replicas: must be >= 1, got 0 (minimum)");
}

TEST(ValuesValidator, BrokenSchemaIsAnError) {
  auto v = ValuesValidator::compile(json::parse(R"({"properties": {"a": {"$ref": "#/definitions/missing"}}})"), "s.json");
  ASSERT_FALSE(v);
  EXPECT_TRUE(v.error().message.starts_with("s.json: not a valid JSON Schema")) << v.error().message;
}

}  // namespace
}  // namespace pier::catalog
