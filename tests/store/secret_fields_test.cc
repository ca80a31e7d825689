#include "store/secret_fields.h"

#include <gtest/gtest.h>

namespace pier::store {
namespace {

using nlohmann::json;

const json kSchema = json::parse(R"({
  "type": "object",
  "$defs": {"credential": {"type": "object", "properties": {"password": {"type": "string", "format": "password"}}}},
  "properties": {
    "name": {"type": "string"},
    "db": {"$ref": "#/$defs/credential"},
    "token": {"type": "string", "writeOnly": true},
    "pin": {"type": "integer", "writeOnly": true},
    "users": {"type": "array", "items": {"type": "object", "properties": {
      "name": {"type": "string"}, "password": {"type": "string", "format": "password"}}}},
    "env": {"type": "object", "additionalProperties": {"type": "string", "format": "password"}},
    "tls": {"allOf": [{"type": "object"}, {"properties": {"key": {"type": "string", "writeOnly": true}}}]},
    "unset": {"type": "string", "format": "password"}
  }
})");

const json kValues = json::parse(R"({
  "name": "shop",
  "db": {"password": "hunter2"},
  "token": "t0ken",
  "pin": 1234,
  "users": [{"name": "a", "password": "pa"}, {"name": "b", "password": "pb"}],
  "env": {"API_KEY": "k1"},
  "tls": {"key": "-----BEGIN KEY-----", "cert": "public"},
  "unset": null,
  "extra": {"password": "not described by the schema"}
})");

SecretBox box() { return SecretBox::from_key(std::string(32, 'k')).value(); }

TEST(SecretFieldsTest, FindsSecretsThroughRefsItemsAdditionalPropertiesAndAllOf) {
  EXPECT_EQ(secret_value_pointers(kValues, kSchema),
            (std::vector<std::string>{"/db/password", "/env/API_KEY", "/pin", "/tls/key", "/token", "/users/0/password",
                                      "/users/1/password"}));
}

TEST(SecretFieldsTest, SealsOnlySecretsAndOpensThemBackTyped) {
  auto sealed = seal_secret_values(kValues, kSchema, box());
  ASSERT_TRUE(sealed.has_value());
  // Sealed strings are random base64 and may contain "k1" by chance: search
  // the document with them blanked out.
  json blanked = *sealed;
  auto blank = [](auto& self, json& node) -> void {
    if (node.is_string() && SecretBox::looks_sealed(node.get<std::string>())) node = "<sealed>";
    else if (node.is_structured())
      for (auto& child : node) self(self, child);
  };
  blank(blank, blanked);
  const std::string text = blanked.dump();
  for (const char* secret : {"hunter2", "t0ken", "1234", "\"pa\"", "\"pb\"", "k1", "BEGIN KEY"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  EXPECT_TRUE(SecretBox::looks_sealed((*sealed)["pin"].get<std::string>()));
  EXPECT_EQ((*sealed)["name"], "shop");
  EXPECT_EQ((*sealed)["tls"]["cert"], "public");
  EXPECT_TRUE((*sealed)["unset"].is_null());
  EXPECT_EQ((*sealed)["extra"]["password"], "not described by the schema");

  auto opened = open_secret_values(*sealed, kSchema, box());
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, kValues);
  EXPECT_TRUE((*opened)["pin"].is_number_integer());
}

TEST(SecretFieldsTest, MasksPlainAndSealedSecrets) {
  json expected = kValues;
  for (const char* pointer : {"/db/password", "/env/API_KEY", "/pin", "/tls/key", "/token", "/users/0/password",
                              "/users/1/password"})
    expected[json::json_pointer(pointer)] = "********";
  EXPECT_EQ(mask_secret_values(kValues, kSchema), expected);
  EXPECT_EQ(mask_secret_values(seal_secret_values(kValues, kSchema, box()).value(), kSchema), expected);
}

TEST(SecretFieldsTest, OpeningLeavesUnsealedSecretsAlone) {
  // Stored before the field was marked secret.
  EXPECT_EQ(open_secret_values(kValues, kSchema, box()).value(), kValues);
}

TEST(SecretFieldsTest, OpenErrorNamesThePointerNotTheSecret) {
  json sealed = seal_secret_values(kValues, kSchema, box()).value();
  auto other = SecretBox::from_key(std::string(32, 'o')).value();
  auto opened = open_secret_values(sealed, kSchema, other);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(opened.error().message.starts_with("values /db/password: ")) << opened.error().message;
  EXPECT_EQ(opened.error().message.find("hunter2"), std::string::npos);
  EXPECT_EQ(opened.error().message.find(sealed["db"]["password"].get<std::string>()), std::string::npos);
}

TEST(SecretFieldsTest, SecretSchemaConvention) {
  EXPECT_TRUE(is_secret_schema(json{{"format", "password"}}));
  EXPECT_TRUE(is_secret_schema(json{{"writeOnly", true}}));
  EXPECT_FALSE(is_secret_schema(json{{"writeOnly", false}}));
  EXPECT_FALSE(is_secret_schema(json{{"format", "email"}}));
  EXPECT_FALSE(is_secret_schema(json("password")));
}

}  // namespace
}  // namespace pier::store
