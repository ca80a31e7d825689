#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

nlohmann::json find_named(const nlohmann::json& list, const std::string& name) {
  for (const auto& item : list)
    if (item.value("name", "") == name) return item;
  return nullptr;
}

TEST(DoubleDiscovery, VersionAndHealth) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto version = client.get("/version");
  ASSERT_EQ(version.status, 200) << version.error;
  EXPECT_EQ(version.json()["gitVersion"], "v1.35.0");
  EXPECT_EQ(version.json()["minor"], "35");
  for (const char* path : {"/healthz", "/readyz", "/livez"}) {
    auto health = client.get(path);
    EXPECT_EQ(health.status, 200) << path;
    EXPECT_EQ(health.body, "ok");
  }
}

TEST(DoubleDiscovery, CoreGroup) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto versions = client.get("/api").json();
  EXPECT_EQ(versions["kind"], "APIVersions");
  EXPECT_EQ(versions["versions"], nlohmann::json({"v1"}));
  auto core = client.get("/api/v1").json();
  EXPECT_EQ(core["kind"], "APIResourceList");
  EXPECT_EQ(core["groupVersion"], "v1");
  for (const char* name : {"namespaces", "services", "configmaps", "secrets", "pods", "events", "endpoints",
                           "serviceaccounts", "services/status", "pods/status"})
    EXPECT_FALSE(find_named(core["resources"], name).is_null()) << name;
  auto pods = find_named(core["resources"], "pods");
  EXPECT_EQ(pods["singularName"], "pod");
  EXPECT_EQ(pods["namespaced"], true);
  EXPECT_EQ(pods["kind"], "Pod");
  EXPECT_EQ(pods["shortNames"], nlohmann::json({"po"}));
  EXPECT_EQ(find_named(core["resources"], "namespaces")["namespaced"], false);
  EXPECT_EQ(find_named(core["resources"], "pods/status")["verbs"], nlohmann::json({"get", "patch", "update"}));
}

TEST(DoubleDiscovery, NamedGroups) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto groups = client.get("/apis").json();
  EXPECT_EQ(groups["kind"], "APIGroupList");
  for (const char* group : {"apps", "discovery.k8s.io", "coordination.k8s.io", "networking.k8s.io", "autoscaling",
                            "policy", "apiextensions.k8s.io"})
    EXPECT_FALSE(find_named(groups["groups"], group).is_null()) << group;
  EXPECT_EQ(find_named(groups["groups"], "autoscaling")["preferredVersion"]["groupVersion"], "autoscaling/v2");

  auto apps = client.get("/apis/apps/v1").json();
  auto deployments = find_named(apps["resources"], "deployments");
  EXPECT_EQ(deployments["kind"], "Deployment");
  EXPECT_EQ(deployments["shortNames"], nlohmann::json({"deploy"}));
  EXPECT_EQ(deployments["verbs"], nlohmann::json({"create", "delete", "deletecollection", "get", "list", "patch",
                                                  "update", "watch"}));
  EXPECT_FALSE(find_named(apps["resources"], "deployments/status").is_null());
  auto group = client.get("/apis/apps").json();
  EXPECT_EQ(group["kind"], "APIGroup");

  auto missing = client.get("/apis/example.com/v1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["kind"], "Status");
}

nlohmann::json widget_crd() {
  return nlohmann::json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
      "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {
            "size": {"type": "integer"},
            "parts": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"],
                      "items": {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}}}},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}})");
}

TEST(DoubleDiscovery, CreatingACrdServesItsKind) {
  ApiServerDouble api;
  HttpsClient client(api);
  EXPECT_EQ(client.get("/apis/example.com/v1").status, 404);
  auto created = client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd());
  ASSERT_EQ(created.status, 201) << created.body;
  auto conditions = created.json()["status"]["conditions"];
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[1]["type"], "Established");
  EXPECT_EQ(conditions[1]["status"], "True");

  auto resources = client.get("/apis/example.com/v1").json();
  auto widgets = find_named(resources["resources"], "widgets");
  EXPECT_EQ(widgets["kind"], "Widget");
  EXPECT_EQ(widgets["shortNames"], nlohmann::json({"wd"}));
  EXPECT_FALSE(find_named(resources["resources"], "widgets/status").is_null());
  EXPECT_FALSE(find_named(client.get("/apis").json()["groups"], "example.com").is_null());

  nlohmann::json widget = {{"apiVersion", "example.com/v1"},
                           {"kind", "Widget"},
                           {"metadata", {{"name", "w1"}}},
                           {"spec", {{"size", 3}}}};
  auto made = client.post("/apis/example.com/v1/namespaces/default/widgets", widget);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()["metadata"]["generation"], 1);
  // Custom resources allow no unconditional update.
  nlohmann::json unconditional = made.json();
  unconditional["metadata"].erase("resourceVersion");
  EXPECT_EQ(client.put("/apis/example.com/v1/namespaces/default/widgets/w1", unconditional).status, 422);
  auto list = client.get("/apis/example.com/v1/namespaces/default/widgets").json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["kind"], "WidgetList");
  EXPECT_EQ(list["items"][0]["kind"], "Widget");  // custom resources keep apiVersion/kind in lists

  // Apply follows the CRD's list-map keys.
  auto applied = client.apply("/apis/example.com/v1/namespaces/default/widgets/w1?fieldManager=a",
                              "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n"
                              "spec:\n  parts:\n  - {id: x, n: 1}\n");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto applied_b = client.apply("/apis/example.com/v1/namespaces/default/widgets/w1?fieldManager=b",
                                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n"
                                "spec:\n  parts:\n  - {id: y, n: 2}\n");
  ASSERT_EQ(applied_b.status, 200) << applied_b.body;
  EXPECT_EQ(applied_b.json()["spec"]["parts"].size(), 2u);

  auto deleted = client.remove("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(client.get("/apis/example.com/v1").status, 404);
  EXPECT_EQ(client.get("/apis/example.com/v1/namespaces/default/widgets").status, 404);
}

TEST(DoubleDiscovery, InvalidCrdIsRejected) {
  ApiServerDouble api;
  HttpsClient client(api);
  nlohmann::json crd = widget_crd();
  crd["metadata"]["name"] = "wrong.example.com";
  auto created = client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
  EXPECT_EQ(created.status, 422);
  EXPECT_EQ(created.json()["details"]["causes"][0]["field"], "metadata.name");
}

TEST(DoubleDiscovery, CrdSeededWithPutIsServed) {
  ApiServerDouble api;
  api.put(widget_crd());
  api.put({{"apiVersion", "example.com/v1"},
           {"kind", "Widget"},
           {"metadata", {{"name", "w"}, {"namespace", "default"}}},
           {"status", {{"ready", true}}}});
  auto widget = api.get("example.com/v1", "Widget", "default", "w");
  ASSERT_TRUE(widget);
  EXPECT_EQ((*widget)["status"]["ready"], true);
}

}  // namespace
}  // namespace pier::testing
