#include "kube/discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discovery_fixture.h"
#include "fake_transport.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
using testing::FakeTransport;

class DiscoveryTest : public ::testing::Test {
 protected:
  DiscoveryTest() { testing::serve_discovery(fake_); }
  std::size_t discovery_rounds() const { return fake_.requests_for("GET", "/api").size(); }

  FakeTransport fake_;
  Discovery discovery_{fake_, "test"};
};

TEST_F(DiscoveryTest, ResolvesKindsToResources) {
  auto deploy = discovery_.resolve({"apps", "v1", "Deployment"});
  ASSERT_TRUE(deploy) << deploy.error().message;
  EXPECT_EQ(deploy->resource, "deployments");
  EXPECT_EQ(deploy->singular_name, "deployment");
  EXPECT_TRUE(deploy->namespaced);
  EXPECT_TRUE(deploy->has_status);
  EXPECT_EQ(deploy->short_names, std::vector<std::string>{"deploy"});
  EXPECT_EQ(deploy->collection_path("web"), "/apis/apps/v1/namespaces/web/deployments");

  auto ns = discovery_.resolve({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_FALSE(ns->has_status);

  auto sts = discovery_.resolve({"apps", "v1", "StatefulSet"});
  ASSERT_TRUE(sts);
  EXPECT_FALSE(sts->has_status);
  EXPECT_EQ(discovery_rounds(), 1u);  // cached
}

TEST_F(DiscoveryTest, SubresourcesAreNotKinds) {
  // deployments/scale has kind Scale: it must not make "Scale" resolvable in apps.
  auto scale = discovery_.resolve({"apps", "v1", "Scale"});
  ASSERT_FALSE(scale);
  EXPECT_EQ(scale.error().code, ErrorCode::kNotFound);
  auto pods = discovery_.resolve({"", "v1", "Pod"});
  ASSERT_TRUE(pods);
  EXPECT_EQ(pods->resource, "pods");
}

TEST_F(DiscoveryTest, EmptyVersionMeansThePreferredOne) {
  auto hpa = discovery_.resolve({"autoscaling", "", "HorizontalPodAutoscaler"});
  ASSERT_TRUE(hpa);
  EXPECT_EQ(hpa->gvk.version, "v2");
  auto v1 = discovery_.resolve({"autoscaling", "v1", "HorizontalPodAutoscaler"});
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->gvk.version, "v1");
}

TEST_F(DiscoveryTest, UnknownKindRefreshesOnceThenNotFound) {
  ASSERT_TRUE(discovery_.resolve({"apps", "v1", "Deployment"}));
  auto missing = discovery_.resolve({"apps", "v2", "Deployment"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("context test: the server does not serve apps/v2 Deployment"));
  EXPECT_THAT(missing.error().message, HasSubstr("it serves Deployment as apps/v1"));
  EXPECT_EQ(discovery_rounds(), 2u);  // the first load, one refresh for the miss
}

TEST_F(DiscoveryTest, CrdInstalledLaterIsFoundAfterARefresh) {
  ASSERT_TRUE(discovery_.resolve({"apps", "v1", "Deployment"}));
  testing::serve_crd_group(fake_);
  auto widget = discovery_.resolve({"example.com", "v1", "Widget"});
  ASSERT_TRUE(widget) << widget.error().message;
  EXPECT_EQ(widget->collection_path("web"), "/apis/example.com/v1/namespaces/web/widgets");
  EXPECT_TRUE(widget->has_status);
  auto by_name = discovery_.resolve_name("widgets");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->gvk.version, "v1");  // preferred, though the server lists v1beta1 first
  EXPECT_EQ(discovery_rounds(), 2u);
}

TEST_F(DiscoveryTest, FailingAggregatedApiIsSkipped) {
  auto deploy = discovery_.resolve({"apps", "v1", "Deployment"});
  ASSERT_TRUE(deploy);
  auto metrics = discovery_.resolve({"metrics.k8s.io", "v1beta1", "PodMetrics"});
  ASSERT_FALSE(metrics);
  EXPECT_EQ(metrics.error().code, ErrorCode::kNotFound);
  ASSERT_FALSE(metrics.error().details.empty());
  EXPECT_THAT(metrics.error().details[0].message, HasSubstr("metrics.k8s.io/v1beta1"));
  EXPECT_THAT(metrics.error().details[0].message, HasSubstr("currently unable to handle the request"));
}

TEST_F(DiscoveryTest, ResolveNameAcceptsWhatKubectlAccepts) {
  struct Case {
    std::string name;
    std::string group;
    std::string version;
    std::string resource;
  };
  const std::vector<Case> cases = {
      {"deployments", "apps", "v1", "deployments"},
      {"deployment", "apps", "v1", "deployments"},
      {"deploy", "apps", "v1", "deployments"},
      {"Deployment", "apps", "v1", "deployments"},
      {"DEPLOYMENTS", "apps", "v1", "deployments"},
      {"deployments.apps", "apps", "v1", "deployments"},
      {"deployment.apps", "apps", "v1", "deployments"},
      {"deployments.v1.apps", "apps", "v1", "deployments"},
      {"svc", "", "v1", "services"},
      {"services", "", "v1", "services"},
      {"ns", "", "v1", "namespaces"},
      {"hpa", "autoscaling", "v2", "horizontalpodautoscalers"},
      {"hpa.v1.autoscaling", "autoscaling", "v1", "horizontalpodautoscalers"},
      {"horizontalpodautoscalers.autoscaling", "autoscaling", "v2", "horizontalpodautoscalers"},
      {"events", "", "v1", "events"},  // core before events.k8s.io, as kubectl
      {"ev", "", "v1", "events"},
      {"events.events.k8s.io", "events.k8s.io", "v1", "events"},
      {"endpointslices.discovery.k8s.io", "discovery.k8s.io", "v1", "endpointslices"},
  };
  for (const auto& c : cases) {
    auto info = discovery_.resolve_name(c.name);
    ASSERT_TRUE(info) << c.name << ": " << info.error().message;
    EXPECT_EQ(info->gvk.group, c.group) << c.name;
    EXPECT_EQ(info->gvk.version, c.version) << c.name;
    EXPECT_EQ(info->resource, c.resource) << c.name;
  }
}

TEST_F(DiscoveryTest, ResolveNameUnknown) {
  auto info = discovery_.resolve_name("deployments.v2.apps");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(info.error().message, HasSubstr("the server doesn't have a resource type \"deployments.v2.apps\""));
  EXPECT_FALSE(discovery_.resolve_name("widgets"));
  testing::serve_crd_group(fake_);
  EXPECT_TRUE(discovery_.resolve_name("wdg"));
}

TEST_F(DiscoveryTest, InvalidateRereads) {
  ASSERT_TRUE(discovery_.resolve({"", "v1", "Pod"}));
  discovery_.invalidate();
  ASSERT_TRUE(discovery_.resolve({"", "v1", "Pod"}));
  EXPECT_EQ(discovery_rounds(), 2u);
}

TEST(DiscoveryFailureTest, UnreachableServerIsAnErrorNamingTheContext) {
  FakeTransport fake;
  fake.on("GET", "/api",
          Error::make(ErrorCode::kUnavailable, "context test (https://fake:6443): connection refused", Retry::kYes));
  Discovery discovery(fake, "test");
  auto info = discovery.resolve({"", "v1", "Pod"});
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(info.error().retry, Retry::kYes);
  EXPECT_THAT(info.error().message, HasSubstr("read discovery /api"));
  EXPECT_THAT(info.error().message, HasSubstr("connection refused"));
}

TEST(DiscoveryFailureTest, WithoutAContextNameTheTransportDescribesTheCluster) {
  FakeTransport fake;
  fake.on("GET", "/api", 500, testing::status_body(500, "InternalError", "etcd is down"));
  Discovery discovery(fake);
  auto info = discovery.resolve_name("pods");
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().message, "context test (https://fake:6443): read discovery /api: etcd is down");
}

}  // namespace
}  // namespace pier::kube
