#include "catalog/render.h"

#include <gtest/gtest.h>

#include "temp_app.h"

namespace pier::catalog {
namespace {

using nlohmann::json;
using testing::TempApp;
using testing::write_demo_app;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override { write_demo_app(temp_); }
  App load() {
    auto app = load_app(temp_.dir());
    EXPECT_TRUE(app) << app.error().describe();
    return std::move(*app);
  }
  RenderRequest request(const char* values = R"({"web": {"image": "web"}})") {
    RenderRequest r;
    r.release_name = "shop-web";
    r.namespace_name = "shop";
    r.values.push_back(json::parse(values));
    return r;
  }
  const openapi::Schema& schema() { return openapi::Schema::builtin(); }
  TempApp temp_;
};

TEST_F(RenderTest, RendersCheckedLabelledObjectsInApplyOrder) {
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->objects.size(), 2u);
  const json& config = r->objects[0].object;
  const json& deployment = r->objects[1].object;
  EXPECT_EQ(config["kind"], "ConfigMap");
  EXPECT_EQ(deployment["kind"], "Deployment");
  EXPECT_EQ(config["data"]["JAVA_OPTS"], "-Xms512m -Xmx512m");
  EXPECT_EQ(config["data"]["HOST"], "shop-web.shop.example.com");
  EXPECT_EQ(config["data"]["DEBUG"], "false");
  EXPECT_EQ(deployment["spec"]["replicas"], 2);
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["containers"][0]["image"], "reg.local:5000/shop/web:1.0.0");
  const json& labels = deployment["metadata"]["labels"];
  EXPECT_EQ(labels["app.kubernetes.io/name"], "demo");
  EXPECT_EQ(labels["app.kubernetes.io/instance"], "shop-web");
  EXPECT_EQ(labels["app.kubernetes.io/version"], "1.0.0");
  EXPECT_EQ(labels["app.kubernetes.io/managed-by"], "pier");
  EXPECT_EQ(r->objects[1].origin, "demo/templates/10-deployment.yaml.j2");
}

TEST_F(RenderTest, PresetChoiceAndLayersAndSet) {
  App app = load();
  auto req = request();
  req.preset = "dev";
  req.values.push_back(json::parse(R"({"web": {"version": "2.0.0"}})"));
  req.set_values = {"web.replicas=7"};
  auto r = render_release(app, req, schema());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->values["global"]["org"], "dev");
  EXPECT_EQ(r->values["web"]["debug"], true);
  EXPECT_EQ(r->values["web"]["replicas"], 7);
  EXPECT_EQ(r->values["web"]["version"], "2.0.0");
}

TEST_F(RenderTest, UnknownPresetListsTheKnownOnes) {
  App app = load();
  auto req = request();
  req.preset = "prod";
  auto r = render_release(app, req, schema());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "app demo has no preset \"prod\" (it has: default, dev)");
}

TEST_F(RenderTest, NoPresetLeavesSelfReferencingDefaultsUnresolved) {
  App app = load();
  auto req = request();
  req.preset = "";
  auto r = render_release(app, req, schema());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("global.org -> global.org"), std::string::npos) << r.error().message;
}

TEST_F(RenderTest, InvalidValuesReportEveryProblem) {
  App app = load();
  auto r = render_release(app, request(R"({"web": {"replicas": 0, "xmx": "lots", "password": "short"}})"), schema());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().details.size(), 5u) << r.error().describe();  // image missing, replicas, xmx, xms (its copy), password
  EXPECT_EQ(r.error().describe().find("short"), std::string::npos) << "a password must not be echoed";
}

TEST_F(RenderTest, RenderedObjectsAreValidatedStrictly) {
  temp_.write("templates/20-service.yaml.j2", R"(apiVersion: v1
kind: Service
metadata:
  name: {{ release.name }}
  namespace: {{ release.namespace }}
spec:
  ports:
  - port: "http"
    targt: 80
)");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  std::string all = r.error().describe();
  EXPECT_NE(all.find("20-service.yaml.j2 (document 1) Service shop/shop-web"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.ports[0].targt"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.ports[0].port"), std::string::npos) << all;
}

TEST_F(RenderTest, NamespacedKindWithoutNamespace) {
  temp_.write("templates/20-sa.yaml.j2", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().describe().find("metadata.namespace: required, ServiceAccount is a namespaced kind"), std::string::npos)
      << r.error().describe();
}

TEST_F(RenderTest, ClusterScopedKindWithNamespace) {
  temp_.write("templates/20-ns.yaml.j2", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  namespace: other\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().describe().find("must not be set, Namespace is cluster-scoped"), std::string::npos);
}

TEST_F(RenderTest, MissingIdentityFields) {
  temp_.write("templates/20-x.yaml.j2", "kind: ConfigMap\nmetadata:\n  namespace: shop\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  std::string all = r.error().describe();
  EXPECT_NE(all.find("apiVersion: required"), std::string::npos) << all;
  EXPECT_NE(all.find("metadata.name: required"), std::string::npos) << all;
}

TEST_F(RenderTest, SameObjectTwice) {
  temp_.write("templates/20-dup.yaml.j2",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}-config\n  namespace: shop\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().describe().find("the same object is rendered twice"), std::string::npos);
}

TEST_F(RenderTest, RenderedYamlErrorNamesTheTemplate) {
  temp_.write("templates/20-bad.yaml.j2", "apiVersion: v1\nkind: [ConfigMap\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with(temp_.file("templates/20-bad.yaml.j2") + " (rendered):")) << r.error().message;
}

TEST_F(RenderTest, UndefinedNameInTemplateIsAnError) {
  temp_.write("templates/20-x.yaml.j2", "x: {{ web.imagee }}\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with(temp_.file("templates/20-x.yaml.j2") + ":1:")) << r.error().message;
}

TEST_F(RenderTest, EmptyDocumentsAreSkipped) {
  temp_.write("templates/20-optional.yaml.j2", "{% if web.debug %}\napiVersion: v1\nkind: ConfigMap\n{% endif %}\n---\n");
  App app = load();
  auto r = render_release(app, request(), schema());
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->objects.size(), 2u);
}

TEST_F(RenderTest, BadReleaseNameAndNamespace) {
  App app = load();
  auto req = request();
  req.release_name = "Shop_Web";
  EXPECT_NE(render_release(app, req, schema()).error().message.find("DNS-1123 label"), std::string::npos);
  req = request();
  req.namespace_name = "a.b";
  EXPECT_NE(render_release(app, req, schema()).error().message.find("namespace \"a.b\""), std::string::npos);
}

TEST_F(RenderTest, SameInputSameOutput) {
  App app = load();
  auto a = render_release(app, request(), schema());
  auto b = render_release(app, request(), schema());
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->objects.size(), b->objects.size());
  for (size_t i = 0; i < a->objects.size(); ++i) EXPECT_EQ(a->objects[i].object.dump(), b->objects[i].object.dump());
}

}  // namespace
}  // namespace pier::catalog
