#include "manifest/object_checks.h"

#include <gtest/gtest.h>

namespace pier::manifest {
namespace {

using nlohmann::json;

std::vector<std::string> check(const std::vector<const char*>& docs) {
  std::vector<SourcedObject> objects;
  for (const char* d : docs) objects.push_back({json::parse(d), "t.yaml.j2 (document 1)", "demo/t.yaml.j2"});
  std::vector<std::string> out;
  for (const auto& p : check_objects(objects, openapi::Schema::builtin())) out.push_back(p.location + ": " + p.message);
  return out;
}

TEST(ObjectChecks, ValidObjectsPass) {
  EXPECT_TRUE(check({R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}, "data": {"a": "b"}})",
                     R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})"})
                  .empty());
}

TEST(ObjectChecks, NotAMapping) {
  auto p = check({R"(["a"])"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "t.yaml.j2 (document 1): expected a Kubernetes object (a mapping), got array");
}

TEST(ObjectChecks, IdentityAndScope) {
  auto p = check({R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "t.yaml.j2 (document 1) ConfigMap c: metadata.namespace: required, ConfigMap is a namespaced kind");
}

TEST(ObjectChecks, BadNameAndLabels) {
  auto p = check({R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name", "namespace": "shop"}})",
                  R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop", "labels": {"x": "-bad"}}})"});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("must be a DNS-1123 subdomain"), std::string::npos) << p[0];
  EXPECT_NE(p[1].find("invalid label value \"-bad\""), std::string::npos) << p[1];
}

TEST(ObjectChecks, SchemaProblemsCarryTheFieldPath) {
  auto p = check({R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w", "namespace": "shop"},
                      "spec": {"replicas": "3", "selector": {"matchLabels": {"a": "b"}},
                               "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containerz": []}}}})"});
  std::string all;
  for (const auto& s : p) all += s + "\n";
  EXPECT_NE(all.find("Deployment shop/w: spec.replicas: expected integer"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.template.spec.containerz"), std::string::npos) << all;
}

TEST(ObjectChecks, UnknownKind) {
  auto p = check({R"({"apiVersion": "apps/v1", "kind": "Deploymnt", "metadata": {"name": "w", "namespace": "shop"}})"});
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("Deploymnt"), std::string::npos) << p[0];
}

TEST(ObjectChecks, Duplicates) {
  const char* cm = R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}})";
  auto p = check({cm, cm});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("rendered twice"), std::string::npos);
}

}  // namespace
}  // namespace pier::manifest
