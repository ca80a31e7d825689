// The console deploying to a cluster: the Kubernetes API server double with
// a stand-in Deployment controller, rollouts followed, crash loops failing
// fast with an automatic rollback, and a stop that interrupts a deploy.
#include <gtest/gtest.h>

#include "console_fixture.h"
#include "kube_double_fixture.h"

namespace pier::console::testing {
namespace {

using pier::release::testing::FakeDeploymentController;
using pier::testing::ApiServerDouble;

class ConsoleKubeTest : public ::testing::Test {
 protected:
  ConsoleKubeTest() {
    api.put({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}});
  }

  std::string image_in_cluster() {
    auto deployment = api.get("apps/v1", "Deployment", "shop", "web");
    return deployment ? (*deployment)["spec"]["template"]["spec"]["containers"][0].value("image", "") : "";
  }

  bool has_event(const json& operation, const std::string& type) {
    for (const auto& e : operation["events"])
      if (e["type"] == type) return true;
    return false;
  }

  ApiServerDouble api;
  const std::string web = "/releases/double/shop/web";
};

TEST_F(ConsoleKubeTest, ADeployAppliesInOrderAndFollowsTheRollout) {
  FakeDeploymentController controller(api, "shop");
  ConsoleUnderTest console({.kubeconfig = api.kubeconfig_path()});
  Reply clusters = console.call("GET", "/clusters");
  ASSERT_EQ(clusters.body.size(), 2u) << clusters.text;
  EXPECT_EQ(clusters.body[0]["name"], "double");
  EXPECT_EQ(clusters.body[0]["reachable"], true) << clusters.text;

  Reply started = console.call("POST", web + "/deploy", deploy_body(jetty_values(), {{"timeout_seconds", 20}}));
  ASSERT_EQ(started.status, 202) << started.text;
  json op = console.wait_operation(started.body["operation"]["id"]);
  ASSERT_EQ(op["status"], "succeeded") << op.dump(2);
  EXPECT_TRUE(has_event(op, "rollout")) << op.dump(2);
  EXPECT_EQ(image_in_cluster(), "reg.local:5000/demo/hello-web:2.3.1");
  EXPECT_EQ(console.call("GET", web).body["status"], "deployed");

  // The preview of an upgrade is the server's dry run against the live objects.
  Reply preview = console.call("POST", web + "/deploy", deploy_body(jetty_values("2.4.0"), {{"dry_run", true}}));
  ASSERT_EQ(preview.status, 200) << preview.text;
  EXPECT_GE(preview.body["counts"]["changed"], 1) << preview.text;
  EXPECT_EQ(image_in_cluster(), "reg.local:5000/demo/hello-web:2.3.1");
}

TEST_F(ConsoleKubeTest, ACrashLoopFailsFastAndTheAutomaticRollbackRestoresTheLastGoodRevision) {
  FakeDeploymentController controller(api, "shop", FakeDeploymentController::Behaviour::kCrashLoopOnBrokenImage);
  ConsoleUnderTest console({.kubeconfig = api.kubeconfig_path()});
  json first = console.wait_operation(
      console.call("POST", web + "/deploy", deploy_body(jetty_values(), {{"timeout_seconds", 20}})).body["operation"]["id"]);
  ASSERT_EQ(first["status"], "succeeded") << first.dump(2);

  json broken = {{"jetty", {{"image", "broken-web"}, {"version", "9.9.9"}, {"replicas", 2}}}};
  auto begun = std::chrono::steady_clock::now();
  Reply started = console.call("POST", web + "/deploy",
                               deploy_body(broken, {{"timeout_seconds", 60}, {"auto_rollback", true}}));
  ASSERT_EQ(started.status, 202) << started.text;
  json op = console.wait_operation(started.body["operation"]["id"]);
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(20)) << "fail-fast, not the 60 s deadline";
  EXPECT_EQ(op["status"], "failed");
  EXPECT_TRUE(has_event(op, "pod_problem")) << op.dump(2);
  EXPECT_TRUE(has_event(op, "rollback")) << op.dump(2);
  EXPECT_NE(op["message"].get<std::string>().find("rolled back to revision 1"), std::string::npos) << op["message"];

  Reply history = console.call("GET", web + "/revisions");
  ASSERT_EQ(history.body.size(), 3u) << history.text;
  EXPECT_EQ(history.body[0]["status"], "deployed");
  EXPECT_EQ(history.body[0]["message"], "automatic rollback to revision 1");
  EXPECT_EQ(history.body[1]["status"], "failed");
  EXPECT_NE(history.body[1]["status_detail"].get<std::string>().find("CrashLoopBackOff"), std::string::npos)
      << history.body[1];
  EXPECT_EQ(image_in_cluster(), "reg.local:5000/demo/hello-web:2.3.1");
}

TEST_F(ConsoleKubeTest, StoppingTheConsoleInterruptsARunningDeployAndTheNextOneWorks) {
  FakeDeploymentController controller(api, "shop", FakeDeploymentController::Behaviour::kNeverAvailable);
  ConsoleUnderTest console({.kubeconfig = api.kubeconfig_path(), .grace = std::chrono::milliseconds(200)});
  Reply started = console.call("POST", web + "/deploy", deploy_body(jetty_values(), {{"timeout_seconds", 120}}));
  ASSERT_EQ(started.status, 202) << started.text;
  std::string id = started.body["operation"]["id"];
  // Wait until the rollout is being followed.
  for (int i = 0; i < 200; ++i) {
    Reply op = console.call("GET", "/operations/" + id);
    if (op.text.find("\"applied 6/6") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  console.restart();
  json op = console.call("GET", "/operations/" + id).body;
  EXPECT_EQ(op["status"], "interrupted") << op.dump(2);
  EXPECT_TRUE(has_event(op, "interrupted"));
  EXPECT_TRUE(has_event(op, "applied"));
  EXPECT_EQ(console.call("GET", web).body["status"], "interrupted");

  Reply next = console.call("POST", web + "/deploy", deploy_body(jetty_values("2.4.0"), {{"wait", false}}));
  ASSERT_EQ(next.status, 202) << next.text;
  EXPECT_EQ(console.wait_operation(next.body["operation"]["id"])["status"], "succeeded");
}

}  // namespace
}  // namespace pier::console::testing
