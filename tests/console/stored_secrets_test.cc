#include "console/stored_secrets.h"

#include <gtest/gtest.h>

#include "store/secret_fields.h"

namespace pier::console {
namespace {

using nlohmann::json;

store::SecretBox test_box() { return *store::SecretBox::from_key(std::string(32, 'k')); }

const json kSchema = json::parse(R"({"type":"object","properties":{
  "auth":{"type":"object","properties":{"password":{"type":"string","format":"password"},"user":{"type":"string"}}}}})");

TEST(StoredSecrets, ManifestsAreSealedWholeAndOpenBack) {
  auto box = test_box();
  std::string yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2hunter2\n";
  auto sealed = seal_manifests(yaml, box);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("hunter2"), std::string::npos);
  auto opened = open_manifests(*sealed, box);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, yaml);
  EXPECT_EQ(*open_manifests(yaml, box), yaml);  // plain text passes
  auto other = store::SecretBox::from_key(std::string(32, 'o'));
  EXPECT_FALSE(open_manifests(*sealed, *other));
}

TEST(StoredSecrets, SecretDataIsHiddenOtherObjectsAreNot) {
  std::string yaml =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\ndata:\n  password: aHVudGVyMg==\n"
      "stringData:\n  token: abc\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n"
      "data:\n  key: visible\n";
  std::string shown = hide_secret_data(yaml);
  EXPECT_EQ(shown.find("aHVudGVyMg=="), std::string::npos) << shown;
  EXPECT_EQ(shown.find("abc"), std::string::npos) << shown;
  EXPECT_NE(shown.find("password: (hidden)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("visible"), std::string::npos) << shown;
}

TEST(StoredSecrets, MaskedSecretKeepsThePreviousValue) {
  json previous = {{"auth", {{"password", "old-password-1"}, {"user", "a"}}}};
  json values = {{"auth", {{"password", "********"}, {"user", "b"}}}};
  auto kept = keep_hidden_secrets(values, &previous, kSchema);
  ASSERT_TRUE(kept) << kept.error().describe();
  EXPECT_EQ((*kept)["auth"]["password"], "old-password-1");
  EXPECT_EQ((*kept)["auth"]["user"], "b");
}

TEST(StoredSecrets, MaskedSecretWithoutPreviousIsAnErrorAtItsPointer) {
  json values = {{"auth", {{"password", "********"}}}};
  auto kept = keep_hidden_secrets(values, nullptr, kSchema);
  ASSERT_FALSE(kept);
  ASSERT_EQ(kept.error().details.size(), 1u);
  EXPECT_EQ(kept.error().details[0].location, "/auth/password");
}

TEST(StoredSecrets, ANonSecretFieldWithStarsIsLeftAlone) {
  json values = {{"auth", {{"user", "********"}}}};
  auto kept = keep_hidden_secrets(values, nullptr, kSchema);
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)["auth"]["user"], "********");
}

}  // namespace
}  // namespace pier::console
