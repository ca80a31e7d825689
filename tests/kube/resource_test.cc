#include "kube/resource.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

TEST(GroupVersionKindTest, FromApiVersion) {
  EXPECT_EQ(GroupVersionKind::from("apps/v1", "Deployment"), (GroupVersionKind{"apps", "v1", "Deployment"}));
  EXPECT_EQ(GroupVersionKind::from("v1", "Service"), (GroupVersionKind{"", "v1", "Service"}));
  EXPECT_EQ(GroupVersionKind::from("cert-manager.io/v1", "Certificate"),
            (GroupVersionKind{"cert-manager.io", "v1", "Certificate"}));
}

TEST(GroupVersionKindTest, OfObject) {
  EXPECT_EQ(GroupVersionKind::of({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {}}}),
            (GroupVersionKind{"apps", "v1", "Deployment"}));
  EXPECT_EQ(GroupVersionKind::of({{"kind", 3}}), (GroupVersionKind{}));  // missing or mistyped: empty
  EXPECT_EQ(GroupVersionKind::of(nlohmann::json::array()), (GroupVersionKind{}));
}

TEST(GroupVersionKindTest, ApiVersion) {
  EXPECT_EQ((GroupVersionKind{"apps", "v1", "Deployment"}).api_version(), "apps/v1");
  EXPECT_EQ((GroupVersionKind{"", "v1", "Service"}).api_version(), "v1");
}

ResourceInfo deployments() {
  ResourceInfo info;
  info.gvk = {"apps", "v1", "Deployment"};
  info.resource = "deployments";
  return info;
}

TEST(ResourceInfoTest, Paths) {
  ResourceInfo d = deployments();
  EXPECT_EQ(d.group_version_path(), "/apis/apps/v1");
  EXPECT_EQ(d.collection_path("web"), "/apis/apps/v1/namespaces/web/deployments");
  EXPECT_EQ(d.collection_path(""), "/apis/apps/v1/deployments");  // all namespaces
  EXPECT_EQ(d.object_path("web", "jetty"), "/apis/apps/v1/namespaces/web/deployments/jetty");

  ResourceInfo ns{.gvk = {"", "v1", "Namespace"}, .resource = "namespaces", .namespaced = false};
  EXPECT_EQ(ns.group_version_path(), "/api/v1");
  EXPECT_EQ(ns.object_path("ignored", "web"), "/api/v1/namespaces/web");  // cluster-scoped: no namespace
}

TEST(ResourceInfoTest, NamesArePercentEncoded) {
  ResourceInfo d = deployments();
  EXPECT_EQ(d.object_path("web", "a b/../c?d#e%"), "/apis/apps/v1/namespaces/web/deployments/a%20b%2F..%2Fc%3Fd%23e%25");
  ResourceInfo roles{.gvk = {"rbac.authorization.k8s.io", "v1", "ClusterRole"}, .resource = "clusterroles",
                     .namespaced = false};
  EXPECT_EQ(roles.object_path("", "system:controller:job-controller"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:job-controller");
}

}  // namespace
}  // namespace pier::kube
