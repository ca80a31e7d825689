#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

const std::string kWeb = "/apis/apps/v1/namespaces/default/deployments/web";

std::string web_yaml(int replicas, const std::string& image, const std::string& extra_container = "") {
  std::string yaml =
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: web\n"
      "  labels: {app: web}\n"
      "spec:\n"
      "  replicas: " + std::to_string(replicas) + "\n"
      "  selector: {matchLabels: {app: web}}\n"
      "  template:\n"
      "    metadata: {labels: {app: web}}\n"
      "    spec:\n"
      "      containers:\n"
      "      - name: web\n"
      "        image: " + image + "\n"
      "        ports:\n"
      "        - containerPort: 8080\n";
  if (!extra_container.empty()) yaml += "      - name: " + extra_container + "\n        image: busybox\n";
  return yaml;
}

nlohmann::json manager_entry(const nlohmann::json& object, const std::string& manager) {
  for (const auto& entry : object["metadata"]["managedFields"])
    if (entry["manager"] == manager) return entry;
  return nullptr;
}

TEST(DoubleApply, CreatesAndRecordsManagedFields) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto object = created.json();
  EXPECT_EQ(object["spec"]["replicas"], 2);
  EXPECT_EQ(object["metadata"]["generation"], 1);
  auto entry = manager_entry(object, "pier");
  ASSERT_FALSE(entry.is_null());
  EXPECT_EQ(entry["operation"], "Apply");
  EXPECT_EQ(entry["apiVersion"], "apps/v1");
  EXPECT_EQ(entry["fieldsType"], "FieldsV1");
  const auto& container =
      entry["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"];
  EXPECT_TRUE(container.contains("."));
  EXPECT_TRUE(container.contains("f:image"));
  EXPECT_TRUE(container["f:ports"].contains("k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"));
  // The default protocol is there, but not owned by the applier.
  EXPECT_EQ(object["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"], "TCP");

  auto again = client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["metadata"]["resourceVersion"], object["metadata"]["resourceVersion"]);  // no-op
}

TEST(DoubleApply, JsonBodiesToo) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.apply("/api/v1/namespaces/default/configmaps/a?fieldManager=pier",
                              config_map("default", "a").dump());
  EXPECT_EQ(created.status, 201) << created.body;
}

TEST(DoubleApply, RequiresAFieldManager) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto refused = client.apply(kWeb, web_yaml(1, "nginx:1"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.json()["message"].get<std::string>().find("fieldManager is required"), std::string::npos);
}

TEST(DoubleApply, ConflictsAndForce) {
  ApiServerDouble api;
  HttpsClient client(api);
  ASSERT_EQ(client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1")).status, 201);
  std::string scale = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n";
  auto conflict = client.apply(kWeb + "?fieldManager=other", scale);
  ASSERT_EQ(conflict.status, 409) << conflict.body;
  auto status = conflict.json();
  EXPECT_EQ(status["reason"], "Conflict");
  EXPECT_EQ(status["message"], "Apply failed with 1 conflict: conflict with \"pier\": .spec.replicas");
  ASSERT_EQ(status["details"]["causes"].size(), 1u);
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldManagerConflict");
  EXPECT_EQ(status["details"]["causes"][0]["field"], ".spec.replicas");

  auto forced = client.apply(kWeb + "?fieldManager=other&force=true", scale);
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(forced.json()["spec"]["replicas"], 5);
  EXPECT_FALSE(manager_entry(forced.json(), "pier")["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE(manager_entry(forced.json(), "other")["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_EQ(forced.json()["metadata"]["generation"], 2);
}

TEST(DoubleApply, ConflictWithAnUpdater) {
  ApiServerDouble api;
  HttpsClient client(api);
  ASSERT_EQ(client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1")).status, 201);
  auto scaled = client.merge_patch(kWeb + "?fieldManager=hpa", {{"spec", {{"replicas", 4}}}});
  ASSERT_EQ(scaled.status, 200) << scaled.body;
  auto conflict = client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1"));
  ASSERT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.json()["details"]["causes"][0]["message"], "conflict with \"hpa\" using apps/v1");
}

TEST(DoubleApply, OmittedFieldsAreRemovedAndOthersKept) {
  ApiServerDouble api;
  HttpsClient client(api);
  ASSERT_EQ(client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:1", "sidecar")).status, 201);
  // Another manager adds an env var to the web container.
  std::string env =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
      "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        env:\n        - {name: MODE, value: fast}\n";
  ASSERT_EQ(client.apply(kWeb + "?fieldManager=tuner", env).status, 200);
  // pier drops the sidecar: it goes; the env var tuner owns stays.
  auto after = client.apply(kWeb + "?fieldManager=pier", web_yaml(2, "nginx:2"));
  ASSERT_EQ(after.status, 200) << after.body;
  auto object = after.json();
  const auto& containers = object["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 1u) << after.body;
  EXPECT_EQ(containers[0]["image"], "nginx:2");
  EXPECT_EQ(containers[0]["env"][0]["value"], "fast");
}

TEST(DoubleApply, StatusOnlyThroughTheSubresource) {
  ApiServerDouble api;
  HttpsClient client(api);
  std::string with_status = web_yaml(1, "nginx:1") + "status: {readyReplicas: 1}\n";
  auto created = client.apply(kWeb + "?fieldManager=pier", with_status);
  ASSERT_EQ(created.status, 201);
  EXPECT_FALSE(created.json().contains("status"));
  auto status = client.apply(kWeb + "/status?fieldManager=controller",
                             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                             "status: {readyReplicas: 1, observedGeneration: 1}\n");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["status"]["readyReplicas"], 1);
  auto entry = manager_entry(status.json(), "controller");
  EXPECT_EQ(entry["subresource"], "status");
  EXPECT_EQ(status.json()["metadata"]["generation"], 1);
}

TEST(DoubleApply, DryRunStoresNothing) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto dry = client.apply(kWeb + "?fieldManager=pier&dryRun=All", web_yaml(1, "nginx:1"));
  EXPECT_EQ(dry.status, 201);
  EXPECT_EQ(client.get(kWeb).status, 404);
}

TEST(DoubleApply, MalformedBodies) {
  ApiServerDouble api;
  HttpsClient client(api);
  EXPECT_EQ(client.apply(kWeb + "?fieldManager=pier", "spec: {replicas: 1}\n").status, 400);  // no apiVersion/kind
  EXPECT_EQ(client.apply(kWeb + "?fieldManager=pier", "a: [\n").status, 400);
  std::string other_name = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\n";
  EXPECT_EQ(client.apply(kWeb + "?fieldManager=pier", other_name).status, 400);
  std::string twice = web_yaml(1, "nginx:1", "web");
  EXPECT_EQ(client.apply(kWeb + "?fieldManager=pier", twice).status, 400);  // duplicate key
}

}  // namespace
}  // namespace pier::testing
