// `pier clusters`, `apply`, `get` and `rollout status` as a user runs them,
// against the API server double.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "api_server_double.h"
#include "run_pier.h"
#include "test_pki.h"

namespace pier::cli {
namespace {

using nlohmann::json;
using testing::run_pier;

class KubeCommands : public ::testing::Test {
 protected:
  pier::testing::ApiServerDouble api;
  std::string dir = std::filesystem::path(api.kubeconfig_path()).parent_path().string();
  std::string flags = "--kubeconfig '" + api.kubeconfig_path() + "'";
};

TEST_F(KubeCommands, ClustersShowsEveryContextAndWhyOneIsUnreachable) {
  std::string two = "apiVersion: v1\nkind: Config\ncurrent-context: double\n"
                    "clusters:\n- name: up\n  cluster:\n    server: " + api.url() + "\n    certificate-authority: " + api.ca_file() +
                    "\n- name: down\n  cluster:\n    server: https://127.0.0.1:1\n    certificate-authority: " + api.ca_file() +
                    "\nusers:\n- name: admin\n  user:\n    token: " + api.token() +
                    "\ncontexts:\n- name: double\n  context:\n    cluster: up\n    user: admin\n"
                    "- name: dc2\n  context:\n    cluster: down\n    user: admin\n";
  auto path = pier::testing::write_test_file(dir, "two-contexts", two);
  auto run = run_pier("clusters --kubeconfig '" + path + "'");
  EXPECT_EQ(run.status, 1) << run.err;  // not every cluster answers
  EXPECT_NE(run.out.find("reachable"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("v1.35.0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("dc2: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("refused"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(api.token()), std::string::npos);

  auto as_json = run_pier("clusters -o json " + flags);
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  auto parsed = json::parse(as_json.out);
  EXPECT_EQ(parsed[0]["name"], "double");
  EXPECT_EQ(parsed[0]["reachable"], true);
}

TEST_F(KubeCommands, MalformedKubeconfigNamesTheFileAndFieldWithExitCode2) {
  auto path = pier::testing::write_test_file(
      dir, "broken", "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    client-key-data: '@@not base64'\n");
  auto run = run_pier("get configmaps --kubeconfig '" + path + "'");
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find(path), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("client-key-data"), std::string::npos) << run.err;
}

TEST_F(KubeCommands, RenderApplyGetAndPrune) {
  auto rendered = run_pier("render jetty -f catalog/jetty/samples/default.json -n web --release shop --set global.create_ns=true");
  ASSERT_EQ(rendered.status, 0) << rendered.err;
  auto manifests = pier::testing::write_test_file(dir, "shop.yaml", rendered.out);
  auto applied = run_pier("apply -f '" + manifests + "' -n web --prune-label app.kubernetes.io/instance=shop " + flags);
  ASSERT_EQ(applied.status, 0) << applied.err;
  EXPECT_NE(applied.out.find("deployment.apps/shop serverside-applied"), std::string::npos) << applied.out;
  EXPECT_LT(applied.out.find("configmap/"), applied.out.find("deployment.apps/"));  // dependency order

  auto names = run_pier("get deploy -n web -o name " + flags);
  ASSERT_EQ(names.status, 0) << names.err;
  EXPECT_EQ(names.out, "deployment.apps/shop\n");
  auto table = run_pier("get services -A " + flags);
  EXPECT_NE(table.out.find("NAMESPACE"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("web"), std::string::npos) << table.out;
  auto one = run_pier("get deployment shop -n web -o json " + flags);
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(json::parse(one.out)["metadata"]["labels"]["app.kubernetes.io/managed-by"], "pier");

  // Without autoscaling the HorizontalPodAutoscaler is gone from the set: pruned.
  auto smaller = run_pier(
      "render jetty -f catalog/jetty/samples/default.json -n web --release shop --set global.create_ns=true --set jetty.autoscaling=false");
  ASSERT_EQ(smaller.status, 0) << smaller.err;
  auto path = pier::testing::write_test_file(dir, "shop-small.yaml", smaller.out);
  auto again = run_pier("apply -f '" + path + "' -n web --prune-label app.kubernetes.io/instance=shop " + flags);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("horizontalpodautoscaler.autoscaling/shop pruned"), std::string::npos) << again.out;
  EXPECT_FALSE(api.get("autoscaling/v2", "HorizontalPodAutoscaler", "web", "shop"));
  auto missing = run_pier("get deployment nope -n web " + flags);
  EXPECT_EQ(missing.status, 2) << missing.err;
  EXPECT_NE(missing.err.find("not found"), std::string::npos) << missing.err;
}

TEST_F(KubeCommands, ApplyConflictListsTheFieldsAndForceTakesThem) {
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "settings"}, {"namespace", "default"}}},
             {"data", {{"mode", "a"}}}};
  auto path = pier::testing::write_test_file(dir, "cm.json", cm.dump());
  ASSERT_EQ(run_pier("apply -f '" + path + "' --field-manager ops " + flags).status, 0);
  cm["data"]["mode"] = "b";
  auto changed = pier::testing::write_test_file(dir, "cm2.json", cm.dump());
  auto conflict = run_pier("apply -f '" + changed + "' " + flags);
  EXPECT_EQ(conflict.status, 1);
  EXPECT_NE(conflict.err.find(".data.mode"), std::string::npos) << conflict.err;
  EXPECT_NE(conflict.err.find("--force-conflicts"), std::string::npos) << conflict.err;
  EXPECT_EQ(run_pier("apply -f '" + changed + "' --force-conflicts " + flags).status, 0);
  EXPECT_EQ(api.get("v1", "ConfigMap", "default", "settings")->at("/data/mode"_json_pointer), "b");
}

TEST_F(KubeCommands, RolloutStatusPrintsProgressAndTimesOutWithTheLastStatus) {
  api.put({{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "web"}, {"namespace", "default"}}},
           {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "web"}}}}},
                     {"template", {{"metadata", {{"labels", {{"app", "web"}}}}},
                                   {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx"}}})}}}}}}}});
  api.set_status("apps/v1", "Deployment", "default", "web",
                 {{"observedGeneration", 1}, {"replicas", 2}, {"updatedReplicas", 2}, {"availableReplicas", 1}});
  auto run = run_pier("rollout status deployment/web --timeout 1s " + flags);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("1 of 2 updated replicas are available"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("1 of 2 updated replicas are available"), std::string::npos) << run.err;

  api.set_status("apps/v1", "Deployment", "default", "web",
                 {{"observedGeneration", 1}, {"replicas", 2}, {"updatedReplicas", 2}, {"availableReplicas", 2}});
  auto done = run_pier("rollout status deploy/web " + flags);
  EXPECT_EQ(done.status, 0) << done.err;
  EXPECT_NE(done.out.find("deployment \"web\" successfully rolled out"), std::string::npos) << done.out;
  EXPECT_EQ(run_pier("rollout status web " + flags).status, 2);
}

}  // namespace
}  // namespace pier::cli
