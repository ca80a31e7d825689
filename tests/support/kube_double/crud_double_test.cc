#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";
const std::string kDeployments = "/apis/apps/v1/namespaces/default/deployments";

TEST(DoubleCrud, CreateSetsServerFields) {
  ApiServerDouble api;
  HttpsClient client(api);
  int64_t before = api.resource_version();
  auto created = client.post(kDeployments, deployment("default", "web"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto object = created.json();
  EXPECT_EQ(object["kind"], "Deployment");
  EXPECT_EQ(object["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_FALSE(object["metadata"]["creationTimestamp"].get<std::string>().empty());
  EXPECT_EQ(object["metadata"]["resourceVersion"], std::to_string(before + 1));
  EXPECT_EQ(object["metadata"]["generation"], 1);
  auto managed = object["metadata"]["managedFields"];
  ASSERT_EQ(managed.size(), 1u);
  EXPECT_EQ(managed[0]["manager"], "kube_double_test");  // from the User-Agent
  EXPECT_EQ(managed[0]["operation"], "Update");
  EXPECT_TRUE(managed[0]["fieldsV1"]["f:spec"].contains("f:replicas"));

  auto fetched = client.get(kDeployments + "/web");
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.json(), object);
  // Generation is per kind, as in the real registry: ConfigMaps have none.
  auto cm = client.post(kConfigMaps, config_map("default", "a"));
  EXPECT_FALSE(cm.json()["metadata"].contains("generation"));
}

TEST(DoubleCrud, CreateErrorsAreStatusObjects) {
  ApiServerDouble api;
  HttpsClient client(api);
  ASSERT_EQ(client.post(kConfigMaps, config_map("default", "a")).status, 201);

  auto again = client.post(kConfigMaps, config_map("default", "a"));
  EXPECT_EQ(again.status, 409);
  auto status = again.json();
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_EQ(status["reason"], "AlreadyExists");
  EXPECT_EQ(status["message"], "configmaps \"a\" already exists");
  EXPECT_EQ(status["details"]["name"], "a");
  EXPECT_EQ(status["details"]["kind"], "configmaps");

  auto bad_name = client.post(kDeployments, deployment("default", "Web_1"));
  EXPECT_EQ(bad_name.status, 422);
  EXPECT_EQ(bad_name.json()["reason"], "Invalid");
  EXPECT_EQ(bad_name.json()["details"]["kind"], "Deployment");
  EXPECT_EQ(bad_name.json()["details"]["causes"][0]["field"], "metadata.name");
  EXPECT_EQ(bad_name.json()["details"]["causes"][0]["reason"], "FieldValueInvalid");
  EXPECT_TRUE(bad_name.json()["message"].get<std::string>().starts_with(
      "Deployment.apps \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"));

  nlohmann::json nameless = config_map("default", "x");
  nameless["metadata"].erase("name");
  auto missing = client.post(kConfigMaps, nameless);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.json()["details"]["causes"][0]["reason"], "FieldValueRequired");

  auto no_namespace = client.post("/api/v1/namespaces/nope/configmaps", config_map("nope", "a"));
  EXPECT_EQ(no_namespace.status, 404);
  EXPECT_EQ(no_namespace.json()["message"], "namespaces \"nope\" not found");

  auto wrong_namespace = client.post(kConfigMaps, config_map("other", "b"));
  EXPECT_EQ(wrong_namespace.status, 400);

  auto not_json = client.request("POST", kConfigMaps, "{not json", "application/json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.json()["kind"], "Status");

  nlohmann::json copied = client.get(kConfigMaps + "/a").json();
  copied["metadata"]["name"] = "copy";
  auto with_version = client.post(kConfigMaps, copied);
  EXPECT_EQ(with_version.status, 500);
  EXPECT_EQ(with_version.json()["message"], "resourceVersion should not be set on objects to be created");

  auto missing_object = client.get(kConfigMaps + "/nothing");
  EXPECT_EQ(missing_object.status, 404);
  EXPECT_EQ(missing_object.json()["message"], "configmaps \"nothing\" not found");
}

TEST(DoubleCrud, GenerateNameAndDryRun) {
  ApiServerDouble api;
  HttpsClient client(api);
  nlohmann::json object = config_map("default", "");
  object["metadata"].erase("name");
  object["metadata"]["generateName"] = "job-";
  auto created = client.post(kConfigMaps, object);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string name = created.json()["metadata"]["name"];
  EXPECT_TRUE(name.starts_with("job-"));
  EXPECT_EQ(name.size(), 9u);

  int64_t before = api.resource_version();
  auto dry = client.post(kConfigMaps + "?dryRun=All", config_map("default", "dry"));
  EXPECT_EQ(dry.status, 201);
  EXPECT_FALSE(dry.json()["metadata"].contains("resourceVersion"));
  EXPECT_EQ(client.get(kConfigMaps + "/dry").status, 404);
  EXPECT_EQ(api.resource_version(), before);
}

TEST(DoubleCrud, ReplaceChecksResourceVersionAndBumpsGeneration) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.post(kDeployments, deployment("default", "web")).json();
  std::string rv = created["metadata"]["resourceVersion"];

  nlohmann::json relabelled = created;
  relabelled["metadata"]["labels"]["tier"] = "front";
  auto replaced = client.put(kDeployments + "/web", relabelled);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json()["metadata"]["generation"], 1);  // metadata only
  EXPECT_NE(replaced.json()["metadata"]["resourceVersion"], rv);

  auto stale = client.put(kDeployments + "/web", relabelled);  // still carries the old resourceVersion
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json()["reason"], "Conflict");
  EXPECT_EQ(stale.json()["message"],
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply "
            "your changes to the latest version and try again");

  nlohmann::json scaled = replaced.json();
  scaled["spec"]["replicas"] = 5;
  scaled["status"] = {{"replicas", 99}};  // ignored on the main resource
  auto after = client.put(kDeployments + "/web", scaled).json();
  EXPECT_EQ(after["metadata"]["generation"], 2);
  EXPECT_EQ(after["spec"]["replicas"], 5);
  EXPECT_FALSE(after.contains("status"));

  auto wrong_name = client.put(kDeployments + "/other", scaled);
  EXPECT_EQ(wrong_name.status, 400);
  auto absent = client.put(kConfigMaps + "/absent", config_map("default", "absent"));
  EXPECT_EQ(absent.status, 404);
}

TEST(DoubleCrud, StatusSubresourceOnlyChangesStatus) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.post(kDeployments, deployment("default", "web")).json();
  nlohmann::json update = created;
  update["spec"]["replicas"] = 9;  // ignored through /status
  update["status"] = {{"observedGeneration", 1}, {"readyReplicas", 1}};
  auto status = client.put(kDeployments + "/web/status", update);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["spec"]["replicas"], 1);
  EXPECT_EQ(status.json()["status"]["readyReplicas"], 1);
  EXPECT_EQ(status.json()["metadata"]["generation"], 1);

  auto patched = client.request("PATCH", kDeployments + "/web/status", R"({"status":{"readyReplicas":2}})",
                                "application/merge-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["status"]["readyReplicas"], 2);
  EXPECT_EQ(patched.json()["status"]["observedGeneration"], 1);

  auto no_status = client.put(kConfigMaps + "/x/status", config_map("default", "x"));
  EXPECT_EQ(no_status.status, 404);
}

TEST(DoubleCrud, MergeAndJsonPatch) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.post(kConfigMaps, config_map("default", "a"));
  auto merged = client.merge_patch(kConfigMaps + "/a", {{"data", {{"key", nullptr}, {"other", "x"}}}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json()["data"], nlohmann::json({{"other", "x"}}));
  auto patched = client.request("PATCH", kConfigMaps + "/a", R"([{"op":"add","path":"/data/third","value":"3"}])",
                                "application/json-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["data"]["third"], "3");
  auto failed = client.request("PATCH", kConfigMaps + "/a", R"([{"op":"test","path":"/data/third","value":"4"}])",
                               "application/json-patch+json");
  EXPECT_EQ(failed.status, 422);
  auto strategic = client.request("PATCH", kConfigMaps + "/a", "{}", "application/strategic-merge-patch+json");
  EXPECT_EQ(strategic.status, 415);
  auto stale = client.merge_patch(kConfigMaps + "/a", {{"metadata", {{"resourceVersion", "1"}}}});
  EXPECT_EQ(stale.status, 409);
}

TEST(DoubleCrud, DeleteAnswersAsTheRegistryDoes) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.post(kDeployments, deployment("default", "web"));
  auto deleted = client.remove(kDeployments + "/web?propagationPolicy=Foreground");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["kind"], "Status");
  EXPECT_EQ(deleted.json()["status"], "Success");
  EXPECT_EQ(deleted.json()["details"]["name"], "web");
  EXPECT_EQ(deleted.json()["details"]["group"], "apps");
  EXPECT_EQ(client.get(kDeployments + "/web").status, 404);
  EXPECT_EQ(client.remove(kDeployments + "/web").status, 404);

  // Services answer with the deleted object.
  nlohmann::json service = {{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", {{"name", "web"}}},
                            {"spec", {{"ports", {{{"port", 80}}}}}}};
  client.post("/api/v1/namespaces/default/services", service);
  auto gone = client.remove("/api/v1/namespaces/default/services/web");
  EXPECT_EQ(gone.status, 200);
  EXPECT_EQ(gone.json()["kind"], "Service");
}

TEST(DoubleCrud, DeletePreconditions) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.post(kConfigMaps, config_map("default", "a")).json();
  auto mismatch = client.remove(kConfigMaps + "/a", R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"1"}})");
  EXPECT_EQ(mismatch.status, 409);
  EXPECT_NE(mismatch.json()["message"].get<std::string>().find("Precondition failed"), std::string::npos);
  nlohmann::json options = {{"preconditions", {{"resourceVersion", created["metadata"]["resourceVersion"]},
                                               {"uid", created["metadata"]["uid"]}}}};
  EXPECT_EQ(client.remove(kConfigMaps + "/a", options.dump()).status, 200);
  EXPECT_EQ(client.remove(kConfigMaps + "/x?propagationPolicy=Sometimes").status, 400);
}

TEST(DoubleCrud, FinalizersDelayDeletion) {
  ApiServerDouble api;
  HttpsClient client(api);
  nlohmann::json object = config_map("default", "held");
  object["metadata"]["finalizers"] = {"example.com/cleanup"};
  client.post(kConfigMaps, object);
  auto pending = client.remove(kConfigMaps + "/held");
  EXPECT_EQ(pending.status, 202);
  EXPECT_TRUE(pending.json()["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(client.get(kConfigMaps + "/held").status, 200);
  auto released = client.merge_patch(kConfigMaps + "/held", {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(client.get(kConfigMaps + "/held").status, 404);
}

TEST(DoubleCrud, NamespacesAndTheirContents) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto created = client.post("/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["status"]["phase"], "Active");
  EXPECT_EQ(created.json()["metadata"]["labels"]["kubernetes.io/metadata.name"], "shop");
  ASSERT_EQ(client.post("/api/v1/namespaces/shop/configmaps", config_map("shop", "a")).status, 201);
  auto deleted = client.remove("/api/v1/namespaces/shop");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.json()["kind"], "Namespace");
  EXPECT_FALSE(api.get("v1", "ConfigMap", "shop", "a"));
  EXPECT_EQ(client.remove("/api/v1/namespaces/default").status, 403);
  EXPECT_EQ(client.get("/api/v1/namespaces/kube-system").status, 200);
}

TEST(DoubleCrud, ServiceDefaultsAndAllocations) {
  ApiServerDouble api;
  HttpsClient client(api);
  nlohmann::json service = {{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", {{"name", "lb"}}},
                            {"spec", {{"type", "NodePort"}, {"ports", {{{"port", 80}, {"name", "http"}}}}}}};
  auto created = client.post("/api/v1/namespaces/default/services", service).json();
  EXPECT_TRUE(created["spec"]["clusterIP"].get<std::string>().starts_with("10.96."));
  EXPECT_EQ(created["spec"]["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(created["spec"]["ports"][0]["targetPort"], 80);
  int node_port = created["spec"]["ports"][0]["nodePort"];
  EXPECT_GE(node_port, 30000);
  // A replace that leaves the allocations out keeps them.
  nlohmann::json replaced = created;
  replaced["spec"].erase("clusterIP");
  replaced["spec"].erase("clusterIPs");
  replaced["spec"]["ports"][0].erase("nodePort");
  auto after = client.put("/api/v1/namespaces/default/services/lb", replaced).json();
  EXPECT_EQ(after["spec"]["clusterIP"], created["spec"]["clusterIP"]);
  EXPECT_EQ(after["spec"]["ports"][0]["nodePort"], node_port);
  // Service names are DNS-1035 labels.
  service["metadata"]["name"] = "1lb";
  EXPECT_EQ(client.post("/api/v1/namespaces/default/services", service).status, 422);
}

TEST(DoubleCrud, SeedingApi) {
  ApiServerDouble api;
  auto stored = api.put(deployment("shop", "web"));  // the namespace is created on the way
  EXPECT_EQ(stored["metadata"]["generation"], 1);
  EXPECT_TRUE(api.get("v1", "Namespace", "", "shop"));
  auto scaled = deployment("shop", "web", 3);
  auto again = api.put(scaled);
  EXPECT_EQ(again["metadata"]["generation"], 2);
  EXPECT_EQ(again["metadata"]["uid"], stored["metadata"]["uid"]);
  auto status = api.set_status("apps/v1", "Deployment", "shop", "web", {{"observedGeneration", 2}});
  EXPECT_EQ(status["status"]["observedGeneration"], 2);
  EXPECT_EQ(status["metadata"]["generation"], 2);
  EXPECT_EQ(api.list("apps/v1", "Deployment").size(), 1u);
  EXPECT_TRUE(api.remove("apps/v1", "Deployment", "shop", "web"));
  EXPECT_FALSE(api.remove("apps/v1", "Deployment", "shop", "web"));
  EXPECT_THROW(api.put({{"apiVersion", "v1"}, {"kind", "Nope"}, {"metadata", {{"name", "x"}}}}), std::invalid_argument);
  EXPECT_THROW(api.set_status("v1", "Pod", "default", "none", {}), std::invalid_argument);
}

}  // namespace
}  // namespace pier::testing
