#include "openapi/kind_index.h"

#include <gtest/gtest.h>

namespace pier::openapi {
namespace {

TEST(KindIndexTest, KindsFromDefinitionsScopeFromPaths) {
  auto doc = R"({
    "paths": {
      "/api/v1/namespaces/{namespace}/pods": {"get": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Pod"}},
                                              "parameters": [{"name": "namespace"}]},
      "/api/v1/pods": {"get": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Pod"}}},
      "/api/v1/nodes/{name}": {"get": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Node"}}},
      "/api/v1/namespaces/{namespace}/pods/{name}/exec": {
        "get": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "PodExecOptions"}}}
    },
    "definitions": {
      "b.Pod": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}]},
      "a.Pod": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}]},
      "Node": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Node"}},
      "PodList": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "PodList"}]},
      "Options": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "DeleteOptions"},
                                                      {"group": "apps", "version": "v1", "kind": "DeleteOptions"},
                                                      {"group": "apps", "version": 1, "kind": "Broken"}]}
    }
  })"_json;
  auto kinds = collect_kinds(doc);
  ASSERT_EQ(kinds.size(), 5u);
  auto at = [&](size_t i) { return kinds[i].group + "/" + kinds[i].version + "/" + kinds[i].kind; };
  EXPECT_EQ(at(0), "/v1/DeleteOptions");
  EXPECT_EQ(at(1), "/v1/Node");
  EXPECT_EQ(at(2), "/v1/Pod");
  EXPECT_EQ(at(3), "/v1/PodList");
  EXPECT_EQ(at(4), "apps/v1/DeleteOptions");
  EXPECT_EQ(kinds[2].definition, "a.Pod");  // the first by name
  EXPECT_TRUE(kinds[2].namespaced);
  EXPECT_TRUE(kinds[2].served);
  EXPECT_FALSE(kinds[1].namespaced);
  EXPECT_TRUE(kinds[1].served);
  EXPECT_FALSE(kinds[3].served);
  EXPECT_EQ(kinds[0].definition, "Options");
}

TEST(KindIndexTest, EmptyDocument) {
  EXPECT_TRUE(collect_kinds(nlohmann::json::object()).empty());
  EXPECT_TRUE(collect_kinds(nlohmann::json{{"definitions", 3}, {"paths", "x"}}).empty());
}

}  // namespace
}  // namespace pier::openapi
