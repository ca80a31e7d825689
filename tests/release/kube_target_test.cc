// KubeTarget's steps one by one against the API server double.
#include "release/kube_target.h"

#include <gtest/gtest.h>

#include "kube_double_fixture.h"
#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

const ReleaseRef kRelease{"shop", "web"};

class KubeTargetTest : public KubeDoubleTest {
 protected:
  void SetUp() override { api.put(object("v1", "Namespace", "", "shop")); }

  void apply_all(const ReleasePlan& plan, const ApplySettings& settings = {}) {
    for (size_t i = 0; i < plan.apply.size(); ++i) {
      auto applied = target().apply(plan, i, settings);
      ASSERT_TRUE(applied) << applied.error().describe();
    }
  }
};

TEST_F(KubeTargetTest, DescribesItsCluster) { EXPECT_EQ(target().describe(), "cluster double"); }

TEST_F(KubeTargetTest, NewObjectsAreAddedAndTheDryRunStoresNothing) {
  ReleasePlan plan = plan_release(kRelease, {}, set_of({config_map("web")}));
  auto diffs = target().live_diff(plan, {});
  ASSERT_TRUE(diffs) << diffs.error().describe();
  ASSERT_EQ(diffs->size(), 1u);
  EXPECT_EQ((*diffs)[0].change, ChangeKind::kAdded);
  EXPECT_EQ((*diffs)[0].note, "");
  EXPECT_FALSE(api.get("v1", "ConfigMap", "shop", "web"));
}

TEST_F(KubeTargetTest, AppliedObjectsAreUnchangedAndChangesShowAgainstTheLiveObject) {
  ReleasePlan plan = plan_release(kRelease, {}, set_of({config_map("web", "shop", {{"k", "v"}})}));
  apply_all(plan);
  auto live = api.get("v1", "ConfigMap", "shop", "web");
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["metadata"]["managedFields"][0]["manager"], "pier");

  auto same = target().live_diff(plan, {});
  ASSERT_TRUE(same) << same.error().describe();
  EXPECT_EQ((*same)[0].change, ChangeKind::kUnchanged);

  ReleasePlan changed = plan_release(kRelease, {}, set_of({config_map("web", "shop", {{"k", "w"}})}));
  auto diffs = target().live_diff(changed, {});
  ASSERT_TRUE(diffs) << diffs.error().describe();
  EXPECT_EQ((*diffs)[0].change, ChangeKind::kChanged);
  const std::string& text = (*diffs)[0].diff;
  EXPECT_NE(text.find("-  k: v\n+  k: w\n"), std::string::npos) << text;
  for (const char* server_field : {"managedFields", "resourceVersion", "uid", "creationTimestamp"})
    EXPECT_EQ(text.find(server_field), std::string::npos) << server_field << " in\n" << text;
}

TEST_F(KubeTargetTest, ServerDefaultsAreNotChanges) {
  json service = object("v1", "Service", "shop", "web");
  service["spec"] = {{"selector", {{"app", "web"}}}, {"ports", json::array({{{"name", "http"}, {"port", 80}}})}};
  ReleasePlan plan = plan_release(kRelease, {}, set_of({service}));
  apply_all(plan);
  ASSERT_TRUE(api.get("v1", "Service", "shop", "web")->contains("/spec/clusterIP"_json_pointer));
  auto diffs = target().live_diff(plan, {});
  ASSERT_TRUE(diffs) << diffs.error().describe();
  EXPECT_EQ((*diffs)[0].change, ChangeKind::kUnchanged) << (*diffs)[0].diff;
}

TEST_F(KubeTargetTest, ObjectsInANamespaceTheReleaseCreatesAreAddedUnchecked) {
  ReleasePlan plan = plan_release({"fresh", "web"}, {},
                                  set_of({object("v1", "Namespace", "", "fresh"), config_map("web", "fresh")}));
  auto diffs = target().live_diff(plan, {});
  ASSERT_TRUE(diffs) << diffs.error().describe();
  ASSERT_EQ(diffs->size(), 2u);
  EXPECT_EQ((*diffs)[0].change, ChangeKind::kAdded);
  EXPECT_EQ((*diffs)[1].change, ChangeKind::kAdded);
  EXPECT_EQ((*diffs)[1].note, "not checked by the server: namespace fresh does not exist yet");
  EXPECT_FALSE(api.get("v1", "Namespace", "", "fresh"));
}

TEST_F(KubeTargetTest, AMissingNamespaceNotInTheReleaseIsAnError) {
  ReleasePlan plan = plan_release({"nowhere", "web"}, {}, set_of({config_map("web", "nowhere")}));
  auto diffs = target().live_diff(plan, {});
  ASSERT_FALSE(diffs);
  EXPECT_EQ(diffs.error().code, ErrorCode::kNotFound);
  EXPECT_NE(diffs.error().message.find("dry run of ConfigMap nowhere/web"), std::string::npos) << diffs.error().message;
}

TEST_F(KubeTargetTest, RemovedObjectsThatAreStillThereShowAndGoneOnesDoNot) {
  ReleasePlan first = plan_release(kRelease, {}, set_of({config_map("a"), config_map("b")}));
  apply_all(first);
  api.remove("v1", "ConfigMap", "shop", "b");
  ReleasePlan second = plan_release(kRelease, set_of({config_map("a"), config_map("b"), config_map("c")}), set_of({}));
  auto diffs = target().live_diff(second, {});
  ASSERT_TRUE(diffs) << diffs.error().describe();
  ASSERT_EQ(diffs->size(), 1u);
  EXPECT_EQ((*diffs)[0].key.name, "a");
  EXPECT_EQ((*diffs)[0].change, ChangeKind::kRemoved);
  for (size_t i = 0; i < second.remove.size(); ++i) {
    auto removed = target().remove(second, i);
    EXPECT_TRUE(removed) << removed.error().describe();  // b and c are already gone: fine
  }
  EXPECT_FALSE(api.get("v1", "ConfigMap", "shop", "a"));
  bool background = false;
  for (const auto& line : api.request_log())
    if (line.starts_with("DELETE ")) background = true;
  EXPECT_TRUE(background);
}

TEST_F(KubeTargetTest, AConflictIsRefusedUnlessForced) {
  kube::ApplyOptions kubectl;
  kubectl.field_manager = "kubectl";
  ASSERT_TRUE(client().apply(config_map("web", "shop", {{"k", "theirs"}}), kubectl));
  ReleasePlan plan = plan_release(kRelease, {}, set_of({config_map("web", "shop", {{"k", "ours"}})}));
  auto refused = target().apply(plan, 0, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("apply ConfigMap shop/web"), std::string::npos) << refused.error().message;
  auto dry = target().live_diff(plan, {});
  EXPECT_FALSE(dry);  // the diff already says so

  auto forced_diff = target().live_diff(plan, {.force_conflicts = true});
  ASSERT_TRUE(forced_diff) << forced_diff.error().describe();
  EXPECT_EQ((*forced_diff)[0].change, ChangeKind::kChanged);
  ASSERT_TRUE(target().apply(plan, 0, {.force_conflicts = true}));
  EXPECT_EQ(api.get("v1", "ConfigMap", "shop", "web")->at("/data/k"_json_pointer), "ours");
}

TEST_F(KubeTargetTest, NothingToWaitForIsReadyAtOnce) {
  ReleasePlan plan = plan_release(kRelease, {}, set_of({config_map("web")}));
  ReadyOutcome ready = target().wait_ready(plan, nullptr, std::chrono::seconds(1), {});
  EXPECT_EQ(ready.state, ReadyState::kReady);
  EXPECT_TRUE(has_rollout({"apps", "StatefulSet", "shop", "db"}));
  EXPECT_FALSE(has_rollout({"", "Service", "shop", "db"}));
}

TEST_F(KubeTargetTest, ARolloutThatNeverFinishesTimesOut) {
  json deployment = object("apps/v1", "Deployment", "shop", "web");
  deployment["spec"] = {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "web"}}}}},
                        {"template", {{"metadata", {{"labels", {{"app", "web"}}}}},
                                      {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1"}}})}}}}}};
  ReleasePlan plan = plan_release(kRelease, {}, set_of({deployment}));
  apply_all(plan);
  EventLog log;
  auto started = std::chrono::steady_clock::now();
  ReadyOutcome ready = target().wait_ready(plan, log.sink(), std::chrono::milliseconds(300), {});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(ready.state, ReadyState::kFailed);
  ASSERT_TRUE(ready.error);
  EXPECT_NE(ready.error->message.find("rollout of Deployment shop/web"), std::string::npos) << ready.error->message;
  ASSERT_FALSE(log.of_type(DeployEventType::kRollout).empty());
  EXPECT_EQ(log.of_type(DeployEventType::kRollout)[0].fields["object"]["name"], "web");

  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(target().wait_ready(plan, nullptr, std::chrono::seconds(5), stop.get_token()).state, ReadyState::kStopped);
}

}  // namespace
}  // namespace pier::release
