#include "release/values_diff.h"

#include <gtest/gtest.h>

#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

const json kSchema = json::parse(R"({
  "type": "object",
  "definitions": {"secret": {"type": "string", "writeOnly": true}},
  "properties": {
    "app": {"type": "object", "properties": {
      "replicas": {"type": "integer"},
      "password": {"type": "string", "format": "password"},
      "token": {"$ref": "#/definitions/secret"}}},
    "users": {"type": "array", "items": {"type": "object", "properties": {
      "name": {"type": "string"}, "key": {"type": "string", "writeOnly": true}}}},
    "env": {"type": "object", "additionalProperties": {"type": "string", "format": "password"}}
  }
})");

TEST(ValuesDiff, ListsWhatChangedAsJsonPointers) {
  json before = {{"app", {{"replicas", 2}}}, {"users", {{{"name", "a"}}}}};
  json after = {{"app", {{"replicas", 3}, {"new", true}}}, {"users", {{{"name", "b"}}}}};
  ValuesDiff d = diff_values(before, after, kSchema, {.before = "revision 1", .after = "revision 2"});
  EXPECT_EQ(d.changed_paths, (std::vector<std::string>{"/app/new", "/app/replicas", "/users/0/name"}));
  EXPECT_TRUE(d.diff.starts_with("--- values (revision 1)\n+++ values (revision 2)\n")) << d.diff;
  EXPECT_NE(d.diff.find("-  replicas: 2\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+  replicas: 3\n"), std::string::npos) << d.diff;
}

TEST(ValuesDiff, EqualValuesHaveNoDiff) {
  json v = {{"app", {{"replicas", 2}, {"password", "x"}}}};
  ValuesDiff d = diff_values(v, v, kSchema);
  EXPECT_FALSE(d.changed());
  EXPECT_EQ(d.diff, "");
}

TEST(ValuesDiff, SecretValuesAreMaskedWhereverTheSchemaSaysSo) {
  json before = {{"app", {{"password", "hunter2"}, {"token", "tok-1"}, {"replicas", 1}}},
                 {"users", {{{"name", "a"}, {"key", "key-a"}}}},
                 {"env", {{"DB_PASSWORD", "pw-1"}}}};
  json after = {{"app", {{"password", "correct-horse"}, {"token", "tok-1"}, {"replicas", 1}}},
                {"users", {{{"name", "a"}, {"key", "key-b"}}}},
                {"env", {{"DB_PASSWORD", "pw-1"}, {"API_KEY", "k-2"}}}};
  ValuesDiff d = diff_values(before, after, kSchema);
  for (const char* plain : {"hunter2", "correct-horse", "tok-1", "key-a", "key-b", "pw-1", "k-2"})
    EXPECT_EQ(d.diff.find(plain), std::string::npos) << plain << " in\n" << d.diff;
  EXPECT_NE(d.diff.find("-  password: (hidden)\n+  password: (hidden; changed)\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+  API_KEY: (hidden)\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+- key: (hidden; changed)\n"), std::string::npos) << d.diff;
  // Paths are not secret: the console says which secret changed.
  EXPECT_EQ(d.changed_paths, (std::vector<std::string>{"/app/password", "/env/API_KEY", "/users/0/key"}));
}

TEST(ValuesDiff, TheBundledRedisPasswordIsMasked) {
  const catalog::App& redis = app_named("redis");
  json before = {{"auth", {{"password", "first-password-1"}}}};
  json after = {{"auth", {{"password", "second-password-2"}}}};
  ValuesDiff d = diff_values(before, after, redis.schema);
  EXPECT_EQ(d.diff.find("password-"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("(hidden; changed)"), std::string::npos) << d.diff;
}

TEST(ValuesDiff, MaskingOneDocument) {
  json values = {{"app", {{"password", "hunter2"}, {"replicas", 2}}}, {"users", {{{"name", "a"}, {"key", "k"}}}}};
  json masked = mask_secret_values(values, kSchema);
  EXPECT_EQ(masked["app"]["password"], "(hidden)");
  EXPECT_EQ(masked["app"]["replicas"], 2);
  EXPECT_EQ(masked["users"][0]["key"], "(hidden)");
  EXPECT_EQ(masked["users"][0]["name"], "a");
}

TEST(ValuesDiff, ArraysOfAnotherLengthAreOneChange) {
  json before = {{"users", {{{"name", "a"}}}}};
  json after = {{"users", {{{"name", "a"}}, {{"name", "b"}}}}};
  EXPECT_EQ(diff_values(before, after, kSchema).changed_paths, (std::vector<std::string>{"/users"}));
}

}  // namespace
}  // namespace pier::release
