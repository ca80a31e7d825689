// Whole deploys of the bundled jetty app against the API server double:
// install, upgrade, an upgrade that drops an object, a crash-looping
// rollout, invalid values.
#include <gtest/gtest.h>

#include "catalog/render.h"
#include "kube_double_fixture.h"
#include "release/deployer.h"
#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

class DeployerKubeTest : public KubeDoubleTest {
 protected:
  DeployRequest request(std::vector<std::string> set_values = {}) const {
    DeployRequest r;
    r.app = &jetty();
    r.render.release_name = "web";
    r.render.namespace_name = "shop";
    r.render.values.push_back(jetty_sample());
    r.render.set_values = std::move(set_values);
    r.options.timeout = std::chrono::seconds(10);
    return r;
  }

  DeployOutcome deploy_ok(const DeployRequest& r, EventLog& log) {
    auto outcome = deploy(r, target(), log.sink(), {});
    EXPECT_TRUE(outcome) << outcome.error().describe();
    if (!outcome) return {};
    EXPECT_EQ(outcome->status, ReleaseStatus::kDeployed) << (outcome->error ? outcome->error->describe() : "");
    return std::move(*outcome);
  }

  // Installs with the namespace made beforehand; the controller must run.
  DeployOutcome install(std::vector<std::string> set_values = {}) {
    api.put(object("v1", "Namespace", "", "shop"));
    EventLog log;
    return deploy_ok(request(std::move(set_values)), log);
  }

  std::set<std::string> changed_in_render(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    auto a = catalog::render_release(jetty(), request(before).render, openapi::Schema::builtin());
    auto b = catalog::render_release(jetty(), request(after).render, openapi::Schema::builtin());
    std::set<std::string> changed;
    for (const auto& d : diff_manifest_sets(ManifestSet::from_rendered(*a), ManifestSet::from_rendered(*b)))
      if (d.change != ChangeKind::kUnchanged) changed.insert(d.key.display());
    return changed;
  }
};

std::vector<std::string> applied_kinds(const EventLog& log) {
  std::vector<std::string> kinds;
  for (const auto& e : log.of_type(DeployEventType::kApplied)) kinds.push_back(e.fields["object"]["kind"]);
  return kinds;
}

TEST_F(DeployerKubeTest, InstallsIntoANewNamespaceInDependencyOrderAndFollowsTheRollout) {
  FakeDeploymentController controller(api, "shop");
  EventLog log;
  DeployOutcome outcome = deploy_ok(request({"global.create_ns=true"}), log);

  EXPECT_EQ(applied_kinds(log), (std::vector<std::string>{"Namespace", "ConfigMap", "ConfigMap", "Service", "Deployment",
                                                          "HorizontalPodAutoscaler", "Ingress"}));
  EXPECT_EQ(count_changes(outcome.diff), (DiffCounts{.added = 7}));
  EXPECT_EQ(outcome.diff[1].note, "not checked by the server: namespace shop does not exist yet");
  auto types = log.types();
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + 3),
            (std::vector<std::string>{"validated", "rendered", "diffed"}));
  EXPECT_EQ(types.back(), "done");

  auto rollout = log.of_type(DeployEventType::kRollout);
  ASSERT_FALSE(rollout.empty());
  bool progress = false;
  for (const auto& e : rollout)
    if (e.message.find("0 of 1 updated replicas are available") != std::string::npos) progress = true;
  EXPECT_TRUE(progress) << rollout.front().message;
  EXPECT_EQ(rollout.back().message, "deployment \"web\" successfully rolled out");

  for (auto [api_version, kind] : std::vector<std::pair<std::string, std::string>>{
           {"v1", "Service"}, {"apps/v1", "Deployment"},
           {"autoscaling/v2", "HorizontalPodAutoscaler"}, {"networking.k8s.io/v1", "Ingress"}}) {
    auto live = api.get(api_version, kind, "shop", "web");
    ASSERT_TRUE(live) << kind;
    EXPECT_EQ((*live)["metadata"]["labels"]["app.kubernetes.io/instance"], "web");
  }
  EXPECT_TRUE(api.get("v1", "Namespace", "", "shop"));
}

TEST_F(DeployerKubeTest, AnUpgradeDiffShowsExactlyTheChangedObjects) {
  FakeDeploymentController controller(api, "shop");
  DeployOutcome first = install();
  std::vector<std::string> change = {"jetty.java_options=-XX:+UseG1GC"};
  std::set<std::string> expected = changed_in_render({}, change);
  ASSERT_FALSE(expected.empty());
  ASSERT_LT(expected.size(), 6u);

  DeployRequest upgrade = request(change);
  upgrade.previous_manifests = first.manifests;
  EventLog log;
  DeployOutcome outcome = deploy_ok(upgrade, log);
  std::set<std::string> changed;
  for (const auto& d : outcome.diff) {
    EXPECT_NE(d.change, ChangeKind::kAdded) << d.key.display();
    EXPECT_NE(d.change, ChangeKind::kRemoved) << d.key.display();
    if (d.change == ChangeKind::kChanged) {
      changed.insert(d.key.display());
      EXPECT_NE(d.diff.find("UseG1GC"), std::string::npos) << d.diff;
      EXPECT_EQ(d.diff.find("status:"), std::string::npos) << d.diff;
    }
  }
  EXPECT_EQ(changed, expected);
  EXPECT_EQ(log.of_type(DeployEventType::kDiffed)[0].fields["changed"], expected.size());
}

TEST_F(DeployerKubeTest, AnUpgradeWithoutAutoscalingRemovesTheHpa) {
  FakeDeploymentController controller(api, "shop");
  DeployOutcome first = install();
  ASSERT_TRUE(api.get("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web"));

  DeployRequest upgrade = request({"jetty.autoscaling=false"});
  upgrade.previous_manifests = first.manifests;
  EventLog log;
  DeployOutcome outcome = deploy_ok(upgrade, log);
  auto removed = log.of_type(DeployEventType::kRemoved);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].message, "removed 1/1: HorizontalPodAutoscaler shop/web");
  EXPECT_EQ(outcome.removed, 1u);
  EXPECT_FALSE(api.get("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web"));
  EXPECT_EQ(api.get("apps/v1", "Deployment", "shop", "web")->at("/spec/replicas"_json_pointer), 2);
  DiffCounts counts = count_changes(outcome.diff);
  EXPECT_EQ(counts.removed, 1u);
  EXPECT_EQ(counts.changed, 1u);  // the Deployment now says how many replicas
}

TEST_F(DeployerKubeTest, ACrashLoopingNewPodFailsFast) {
  FakeDeploymentController controller(api, "shop", FakeDeploymentController::Behaviour::kCrashLoop);
  api.put(object("v1", "Namespace", "", "shop"));
  EventLog log;
  auto started = std::chrono::steady_clock::now();
  auto outcome = deploy(request({"jetty.autoscaling=false"}), target(), log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(outcome->status, ReleaseStatus::kFailed);
  ASSERT_TRUE(outcome->error);
  std::string all = outcome->error->describe();
  EXPECT_NE(all.find("CrashLoopBackOff"), std::string::npos) << all;
  EXPECT_NE(all.find("rollout of Deployment shop/web"), std::string::npos) << all;

  auto problems = log.of_type(DeployEventType::kPodProblem);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].fields["reason"], "CrashLoopBackOff");
  EXPECT_EQ(problems[0].fields["container"], "jetty");
  EXPECT_TRUE(problems[0].fields["pod"].get<std::string>().starts_with("web-"));
  EXPECT_EQ(log.types().back(), "failed");
}

TEST_F(DeployerKubeTest, InvalidValuesTouchNothing) {
  api.clear_request_log();
  auto outcome = deploy(request({"jetty.replicas=0"}), target(), nullptr, {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(outcome.error().details.empty());
  EXPECT_TRUE(api.request_log().empty());
}

TEST_F(DeployerKubeTest, ADryRunAppliesNothing) {
  api.put(object("v1", "Namespace", "", "shop"));
  DeployRequest dry = request();
  dry.options.dry_run = true;
  EventLog log;
  auto outcome = deploy(dry, target(), log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->status, ReleaseStatus::kPending);
  EXPECT_EQ(count_changes(outcome->diff), (DiffCounts{.added = 6}));
  EXPECT_TRUE(api.list("v1", "ConfigMap", "shop").empty());
  EXPECT_TRUE(api.list("apps/v1", "Deployment", "shop").empty());
}

}  // namespace
}  // namespace pier::release
