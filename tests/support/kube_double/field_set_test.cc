#include "field_set.h"

#include <gtest/gtest.h>

namespace pier::testing::kube_double {
namespace {

const char* const kEncoded = R"({
  "f:metadata": {"f:labels": {"f:app": {}}},
  "f:spec": {
    "f:replicas": {},
    "f:template": {"f:spec": {"f:containers": {
      "k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {},
        "f:ports": {"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}}}
    }}}
  },
  "f:metadata2": {"f:finalizers": {"v:\"a/b\"": {}}}
})";

TEST(FieldSet, FieldsV1RoundTrip) {
  nlohmann::json encoded = nlohmann::json::parse(kEncoded);
  FieldSet set = FieldSet::from_fields_v1(encoded);
  EXPECT_EQ(set.to_fields_v1(), encoded);
  EXPECT_EQ(set.member_count(), 8u);
}

TEST(FieldSet, MembersAndPaths) {
  FieldSet set = FieldSet::from_fields_v1(nlohmann::json::parse(kEncoded));
  FieldPath replicas = {PathElement::field("spec"), PathElement::field("replicas")};
  EXPECT_TRUE(set.has(replicas));
  EXPECT_FALSE(set.has({PathElement::field("spec")}));
  EXPECT_TRUE(set.covers({PathElement::field("spec")}));
  std::vector<std::string> paths;
  set.for_each_member([&](const FieldPath& path) { paths.push_back(to_string(path)); });
  EXPECT_NE(std::find(paths.begin(), paths.end(), ".spec.template.spec.containers[name=\"web\"].image"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(),
                      ".spec.template.spec.containers[name=\"web\"].ports[containerPort=8080,protocol=\"TCP\"]"),
            paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), ".metadata2.finalizers[=\"a/b\"]"), paths.end());
}

TEST(FieldSet, SetOperations) {
  FieldSet a, b;
  FieldPath x = {PathElement::field("spec"), PathElement::field("x")};
  FieldPath y = {PathElement::field("spec"), PathElement::field("y")};
  FieldPath z = {PathElement::field("z")};
  a.insert(x);
  a.insert(y);
  b.insert(y);
  b.insert(z);
  FieldSet common = a.intersect(b);
  EXPECT_EQ(common.member_count(), 1u);
  EXPECT_TRUE(common.has(y));
  FieldSet all = a;
  all.add(b);
  EXPECT_EQ(all.member_count(), 3u);
  a.subtract(b);
  EXPECT_TRUE(a.has(x));
  EXPECT_FALSE(a.has(y));
  a.subtract(a);
  EXPECT_TRUE(a.empty());
}

TEST(FieldSet, KeysCompareWhateverTheSpacing) {
  auto spaced = PathElement::from_fields_v1_key("k:{\"name\": \"web\"}");
  auto tight = PathElement::from_fields_v1_key("k:{\"name\":\"web\"}");
  ASSERT_TRUE(spaced && tight);
  EXPECT_EQ(*spaced, *tight);
  EXPECT_FALSE(PathElement::from_fields_v1_key("x:y"));
}

}  // namespace
}  // namespace pier::testing::kube_double
