#include "release/object_diff.h"

#include <gtest/gtest.h>

#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

json deployment(int replicas) {
  json o = object("apps/v1", "Deployment", "shop", "web");
  o["spec"] = {{"replicas", replicas}};
  return o;
}

json secret(const json& data, const json& string_data = nullptr) {
  json o = object("v1", "Secret", "shop", "auth");
  o["type"] = "Opaque";
  if (!data.is_null()) o["data"] = data;
  if (!string_data.is_null()) o["stringData"] = string_data;
  return o;
}

TEST(ObjectDiff, AChangedFieldIsOneHunkOfTheYaml) {
  json before = deployment(2), after = deployment(3);
  ObjectDiff d = diff_object(ObjectKey::of(after), &before, &after, {.before = "live", .after = "after apply"});
  EXPECT_EQ(d.change, ChangeKind::kChanged);
  EXPECT_EQ(d.diff,
            "--- Deployment shop/web (live)\n"
            "+++ Deployment shop/web (after apply)\n"
            "@@ -4,4 +4,4 @@\n"
            "   name: web\n"
            "   namespace: shop\n"
            " spec:\n"
            "-  replicas: 2\n"
            "+  replicas: 3\n");
}

TEST(ObjectDiff, EqualObjectsAreUnchangedWithoutText) {
  json o = deployment(2);
  ObjectDiff d = diff_object(ObjectKey::of(o), &o, &o);
  EXPECT_EQ(d.change, ChangeKind::kUnchanged);
  EXPECT_EQ(d.diff, "");
}

TEST(ObjectDiff, AddedAndRemovedShowTheWholeObject) {
  json o = deployment(2);
  ObjectDiff added = diff_object(ObjectKey::of(o), nullptr, &o);
  EXPECT_EQ(added.change, ChangeKind::kAdded);
  EXPECT_NE(added.diff.find("@@ -0,0 +1,7 @@\n+apiVersion: apps/v1\n"), std::string::npos) << added.diff;
  ObjectDiff removed = diff_object(ObjectKey::of(o), &o, nullptr);
  EXPECT_EQ(removed.change, ChangeKind::kRemoved);
  EXPECT_NE(removed.diff.find("-  replicas: 2\n"), std::string::npos) << removed.diff;
}

TEST(ObjectDiff, SecretValuesAreHiddenButTheirChangesShow) {
  json before = secret({{"password", "c2VjcmV0LW9sZA=="}, {"user", "YWRtaW4="}, {"gone", "eA=="}});
  json after = secret({{"password", "c2VjcmV0LW5ldw=="}, {"user", "YWRtaW4="}, {"token", "dG9rZW4="}});
  ObjectDiff d = diff_object(ObjectKey::of(after), &before, &after);
  EXPECT_EQ(d.change, ChangeKind::kChanged);
  for (const char* plain : {"c2VjcmV0LW9sZA==", "c2VjcmV0LW5ldw==", "YWRtaW4=", "dG9rZW4=", "eA=="})
    EXPECT_EQ(d.diff.find(plain), std::string::npos) << plain << " in\n" << d.diff;
  EXPECT_NE(d.diff.find("-  password: (hidden)\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+  password: (hidden; changed)\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("   user: (hidden)\n"), std::string::npos) << d.diff;  // unchanged: context
  EXPECT_NE(d.diff.find("-  gone: (hidden)\n"), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+  token: (hidden)\n"), std::string::npos) << d.diff;
}

TEST(ObjectDiff, ASecretChangedOnlyInItsValueIsChanged) {
  json before = secret(nullptr, {{"password", "old"}});
  json after = secret(nullptr, {{"password", "new"}});
  ObjectDiff d = diff_object(ObjectKey::of(after), &before, &after);
  EXPECT_EQ(d.change, ChangeKind::kChanged);
  EXPECT_NE(d.diff.find("+  password: (hidden; changed)"), std::string::npos) << d.diff;
  EXPECT_EQ(d.diff.find("old"), std::string::npos);
  EXPECT_EQ(d.diff.find("new"), std::string::npos);
}

TEST(ObjectDiff, ANewSecretAndKubectlsCopyOfItAreHidden) {
  json after = secret({{"password", "aHVudGVyMg=="}});
  after["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration",
                                       R"({"data":{"password":"aHVudGVyMg=="}})"}};
  ObjectDiff d = diff_object(ObjectKey::of(after), nullptr, &after);
  EXPECT_EQ(d.diff.find("aHVudGVyMg=="), std::string::npos) << d.diff;
  EXPECT_NE(d.diff.find("+  password: (hidden)"), std::string::npos) << d.diff;
}

TEST(ObjectDiff, ConfigMapDataIsNotASecret) {
  json before = config_map("web", "shop", {{"k", "old"}}), after = config_map("web", "shop", {{"k", "new"}});
  ObjectDiff d = diff_object(ObjectKey::of(after), &before, &after);
  EXPECT_NE(d.diff.find("+  k: new"), std::string::npos) << d.diff;
}

TEST(ObjectDiff, ServerFieldsAreStripped) {
  json live = deployment(2);
  live["metadata"]["managedFields"] = json::array({{{"manager", "pier"}}});
  live["metadata"]["resourceVersion"] = "42";
  live["metadata"]["uid"] = "1234";
  live["metadata"]["generation"] = 3;
  live["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  live["metadata"]["labels"] = {{"a", "b"}};
  live["status"] = {{"replicas", 2}};
  json stripped = without_server_fields(live);
  json expected = deployment(2);
  expected["metadata"]["labels"] = {{"a", "b"}};
  EXPECT_EQ(stripped, expected);
}

TEST(ObjectDiff, TwoSetsListEveryObjectThenTheRemovedOnes) {
  auto before = set_of({config_map("a"), config_map("b"), deployment(2)});
  auto after = set_of({config_map("a"), deployment(3), config_map("c")});
  auto diffs = diff_manifest_sets(before, after);
  ASSERT_EQ(diffs.size(), 4u);
  EXPECT_EQ(diffs[0].change, ChangeKind::kUnchanged);
  EXPECT_EQ(diffs[1].change, ChangeKind::kChanged);
  EXPECT_EQ(diffs[2].change, ChangeKind::kAdded);
  EXPECT_EQ(diffs[3].change, ChangeKind::kRemoved);
  EXPECT_EQ(diffs[3].key.name, "b");
  EXPECT_EQ(count_changes(diffs), (DiffCounts{.added = 1, .changed = 1, .removed = 1, .unchanged = 1}));
}

TEST(ObjectDiff, AsJsonForTheApi) {
  json o = deployment(2);
  json j = to_json(diff_object(ObjectKey::of(o), nullptr, &o));
  EXPECT_EQ(j["change"], "added");
  EXPECT_EQ(j["display"], "Deployment shop/web");
  EXPECT_EQ(j["object"]["group"], "apps");
  EXPECT_TRUE(j["diff"].get<std::string>().starts_with("--- Deployment shop/web (before)\n"));
}

}  // namespace
}  // namespace pier::release
