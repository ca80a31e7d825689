// The deployer's sequence against a recording target: what is called, in
// which order, what is emitted, and where it stops.
#include "release/deployer.h"

#include <gtest/gtest.h>

#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;

class RecordingTarget final : public Target {
 public:
  std::vector<std::string> calls;
  std::optional<size_t> fail_apply_at;
  ReadyOutcome ready;
  std::function<void(size_t)> after_apply;

  std::string describe() const override { return "recording target"; }
  Result<std::vector<ObjectDiff>> live_diff(const ReleasePlan& plan, const ApplySettings& settings) override {
    calls.push_back(std::string("live_diff") + (settings.force_conflicts ? " force" : ""));
    std::vector<ObjectDiff> diffs;
    for (const auto& o : plan.apply) diffs.push_back(diff_object(o.key, nullptr, &o.object));
    for (const auto& o : plan.remove) diffs.push_back(diff_object(o.key, &o.object, nullptr));
    return diffs;
  }
  Result<void> apply(const ReleasePlan& plan, size_t index, const ApplySettings&) override {
    calls.push_back("apply " + plan.apply[index].key.display());
    if (fail_apply_at == index) return fail(Error::make(ErrorCode::kConflict, "conflict with \"kubectl\": .spec.replicas"));
    if (after_apply) after_apply(index);
    return {};
  }
  Result<void> remove(const ReleasePlan& plan, size_t index) override {
    calls.push_back("remove " + plan.remove[index].key.display());
    return {};
  }
  Result<void> commit(const ReleasePlan&) override {
    calls.push_back("commit");
    return {};
  }
  ReadyOutcome wait_ready(const ReleasePlan&, const EventSink& emit, std::chrono::milliseconds timeout,
                          std::stop_token) override {
    calls.push_back("wait " + std::to_string(timeout.count()));
    if (emit) emit(rollout_event({"apps", "Deployment", "shop", "web"}, "deployment \"web\" successfully rolled out"));
    return ready;
  }
};

DeployRequest jetty_request(std::vector<std::string> set_values = {}) {
  DeployRequest request;
  request.app = &jetty();
  request.render.release_name = "web";
  request.render.namespace_name = "shop";
  request.render.values.push_back(jetty_sample());
  request.render.set_values = std::move(set_values);
  request.options.timeout = std::chrono::seconds(7);
  return request;
}

const std::vector<std::string> kJettyApplies = {
    "apply ConfigMap shop/web-config", "apply ConfigMap shop/web-env", "apply Service shop/web", "apply Deployment shop/web",
    "apply HorizontalPodAutoscaler shop/web", "apply Ingress shop/web"};

TEST(Deployer, InstallsInOrderThenCommitsAndWaits) {
  RecordingTarget target;
  EventLog log;
  auto outcome = deploy(jetty_request(), target, log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  std::vector<std::string> expected = {"live_diff"};
  expected.insert(expected.end(), kJettyApplies.begin(), kJettyApplies.end());
  expected.insert(expected.end(), {"commit", "wait 7000"});
  EXPECT_EQ(target.calls, expected);
  EXPECT_EQ(outcome->status, ReleaseStatus::kDeployed);
  EXPECT_EQ(outcome->applied, 6u);
  EXPECT_FALSE(outcome->error);
  EXPECT_EQ(count_changes(outcome->diff).added, 6u);
  EXPECT_EQ(outcome->values["jetty"]["replicas"], 2);  // defaults resolved
  EXPECT_EQ(log.types(), (std::vector<std::string>{"validated", "rendered", "diffed", "applied", "applied", "applied",
                                                   "applied", "applied", "applied", "rollout", "done"}));
  EXPECT_EQ(log.events()[1].message, "rendered 6 objects");
  EXPECT_EQ(log.events()[3].message, "applied 1/6: ConfigMap shop/web-config");
  EXPECT_EQ(log.events().back().message, "deployed to recording target: 6 objects applied, ready");

  auto stored = ManifestSet::from_yaml(outcome->manifests, "stored");
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(stored->size(), 6u);
}

TEST(Deployer, AnUpgradeRemovesWhatThePreviousRevisionHadAfterApplying) {
  RecordingTarget first;
  auto installed = deploy(jetty_request(), first, nullptr, {});
  ASSERT_TRUE(installed) << installed.error().describe();

  RecordingTarget target;
  DeployRequest request = jetty_request({"jetty.autoscaling=false", "jetty.ingress=false"});
  request.previous_manifests = installed->manifests;
  request.options.wait = false;
  EventLog log;
  auto outcome = deploy(request, target, log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(target.calls, (std::vector<std::string>{"live_diff", "apply ConfigMap shop/web-config",
                                                    "apply ConfigMap shop/web-env", "apply Service shop/web",
                                                    "apply Deployment shop/web", "remove Ingress shop/web",
                                                    "remove HorizontalPodAutoscaler shop/web", "commit"}));
  EXPECT_EQ(outcome->removed, 2u);
  auto removed = log.of_type(DeployEventType::kRemoved);
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[1].message, "removed 2/2: HorizontalPodAutoscaler shop/web");
  EXPECT_EQ(log.events().back().message, "deployed to recording target: 4 objects applied, 2 objects removed");
}

TEST(Deployer, InvalidValuesTouchNothingAndListEveryProblem) {
  RecordingTarget target;
  DeployRequest request = jetty_request({"jetty.replicas=0", "jetty.version=x"});
  EventLog log;
  auto outcome = deploy(request, target, log.sink(), {});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kInvalidInput);
  std::vector<std::string> locations;
  for (const auto& d : outcome.error().details) locations.push_back(d.location);
  EXPECT_NE(std::find(locations.begin(), locations.end(), "/jetty/replicas"), locations.end()) << outcome.error().describe();
  EXPECT_NE(std::find(locations.begin(), locations.end(), "/jetty/version"), locations.end()) << outcome.error().describe();
  EXPECT_TRUE(target.calls.empty());
  EXPECT_EQ(log.types(), std::vector<std::string>{"failed"});
}

TEST(Deployer, UnreadablePreviousManifestsTouchNothing) {
  RecordingTarget target;
  DeployRequest request = jetty_request();
  request.previous_manifests = "a: [\n";
  auto outcome = deploy(request, target, nullptr, {});
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("previous revision"), std::string::npos) << outcome.error().message;
  EXPECT_TRUE(target.calls.empty());
}

TEST(Deployer, ADryRunStopsAfterTheDiff) {
  RecordingTarget target;
  DeployRequest request = jetty_request();
  request.options.dry_run = true;
  request.options.force_conflicts = true;
  EventLog log;
  auto outcome = deploy(request, target, log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(target.calls, std::vector<std::string>{"live_diff force"});
  EXPECT_EQ(outcome->status, ReleaseStatus::kPending);
  EXPECT_EQ(outcome->diff.size(), 6u);
  EXPECT_FALSE(outcome->manifests.empty());
  EXPECT_EQ(log.types(), (std::vector<std::string>{"validated", "rendered", "diffed", "done"}));
  EXPECT_EQ(log.events().back().fields["dry_run"], true);
}

TEST(Deployer, AStopBetweenStepsInterruptsWithoutCommitting) {
  RecordingTarget target;
  std::stop_source stop;
  target.after_apply = [&](size_t index) {
    if (index == 1) stop.request_stop();
  };
  EventLog log;
  auto outcome = deploy(jetty_request(), target, log.sink(), stop.get_token());
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->status, ReleaseStatus::kInterrupted);
  EXPECT_EQ(outcome->applied, 2u);
  EXPECT_EQ(target.calls.size(), 3u);  // live_diff and two applies: no commit, no wait
  ASSERT_TRUE(outcome->error);
  EXPECT_EQ(outcome->error->message, "interrupted after applying 2 of 6 objects");
  EXPECT_EQ(log.types().back(), "interrupted");
}

TEST(Deployer, ARefusedApplyFailsAndGoesNoFurther) {
  RecordingTarget target;
  target.fail_apply_at = 3;
  EventLog log;
  auto outcome = deploy(jetty_request(), target, log.sink(), {});
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->status, ReleaseStatus::kFailed);
  EXPECT_EQ(outcome->applied, 3u);
  EXPECT_EQ(target.calls.back(), "apply Deployment shop/web");
  ASSERT_TRUE(outcome->error);
  EXPECT_EQ(outcome->error->code, ErrorCode::kConflict);
  EXPECT_EQ(log.events().back().message, "failed: conflict with \"kubectl\": .spec.replicas");
}

TEST(Deployer, AFailedRolloutFailsTheDeploy) {
  RecordingTarget target;
  target.ready = {ReadyState::kFailed, Error::make(ErrorCode::kUnavailable, "rollout of Deployment shop/web: pods fail")};
  auto outcome = deploy(jetty_request(), target, nullptr, {});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, ReleaseStatus::kFailed);
  EXPECT_EQ(outcome->error->message, "rollout of Deployment shop/web: pods fail");

  RecordingTarget stopped;
  stopped.ready = {ReadyState::kStopped, std::nullopt};
  outcome = deploy(jetty_request(), stopped, nullptr, {});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, ReleaseStatus::kInterrupted);
  EXPECT_EQ(outcome->error->message, "interrupted while waiting for the rollout");
}

}  // namespace
}  // namespace pier::release
