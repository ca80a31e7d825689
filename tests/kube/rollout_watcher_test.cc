// wait_for_rollout against the in-memory API server on an auto-advancing
// fake clock: progress lines, done, failures, fail-fast on pod problems,
// re-watching, relisting, polling and the timeout.
#include "kube/rollout_watcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control_fake_clock.h"
#include "control_fake_transport.h"
#include "control_test_objects.h"

namespace pier::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ControlFakeClock;
using testing::ControlFakeTransport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::make_deployment;
using testing::make_pod;
using testing::make_replica_set;
using testing::with_unschedulable;
using testing::with_waiting;
using Step = ControlFakeTransport::WatchStep;
using End = ControlFakeTransport::WatchEnd;

const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};

json with_status(json deployment, json status) {
  deployment["status"] = std::move(status);
  return deployment;
}

json rolling(int updated, int available, int replicas = 3) {
  return {{"observedGeneration", 2},
          {"replicas", replicas},
          {"updatedReplicas", updated},
          {"availableReplicas", available}};
}

class RolloutWatcherTest : public ::testing::Test {
 protected:
  Result<RolloutOutcome> wait(const GroupVersionKind& gvk = kDeployment, std::string name = "web",
                              std::stop_token stop = {}) {
    return wait_for_rollout(
        client_, gvk, "shop", name, options_, [this](const std::string& line) { lines_.push_back(line); }, stop, clock_,
        clock_);
  }
  std::chrono::steady_clock::duration elapsed() const { return clock_.now() - start_; }

  ControlFakeClock clock_;
  const std::chrono::steady_clock::time_point start_ = clock_.now();
  std::shared_ptr<ControlFakeTransport> server_ = std::make_shared<ControlFakeTransport>(&clock_);
  Client client_{server_, "test"};
  RolloutWaitOptions options_;
  std::vector<std::string> lines_;
};

TEST_F(RolloutWatcherTest, ReportsEachNewStatusLineInOrderUntilDone) {
  json deployment = server_->store(with_status(make_deployment("web:2"), {{"observedGeneration", 1}}));
  server_->script_watch({.steps = {{.after = 1s, .object = with_status(deployment, rolling(1, 0, 4))},
                                   {.after = 1s, .object = with_status(deployment, rolling(3, 1, 4))},
                                   {.after = 1s, .object = with_status(deployment, rolling(3, 1))},
                                   {.after = 1s, .object = with_status(deployment, rolling(3, 1))},
                                   {.after = 1s, .object = with_status(deployment, rolling(3, 3))}}});
  options_.fail_fast = false;
  auto outcome = wait();
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->state, RolloutState::kDone);
  EXPECT_TRUE(outcome->done());
  EXPECT_EQ(outcome->message, "deployment \"web\" successfully rolled out");
  EXPECT_THAT(
      lines_,
      ElementsAre("Waiting for deployment spec update to be observed...",
                  "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...",
                  "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...",
                  "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...",
                  "deployment \"web\" successfully rolled out"));

  // One list by name, then a watch by name from the list's resourceVersion.
  auto requests = server_->requests();
  auto watch = std::find_if(requests.begin(), requests.end(),
                            [](const HttpRequest& r) { return r.path.find("watch=1") != std::string::npos; });
  ASSERT_NE(watch, requests.end());
  EXPECT_THAT(watch->path, HasSubstr("/apis/apps/v1/namespaces/shop/deployments?"));
  EXPECT_THAT(watch->path, HasSubstr("fieldSelector=metadata.name%3Dweb"));
  EXPECT_THAT(watch->path,
              HasSubstr("resourceVersion=" + deployment["metadata"]["resourceVersion"].get<std::string>()));
  EXPECT_EQ(server_->count("GET", "/deployments?fieldSelector=metadata.name%3Dweb"), 1);
}

TEST_F(RolloutWatcherTest, AnAlreadyFinishedRolloutIsDoneAtOnce) {
  server_->store(with_status(make_deployment("web:2"), rolling(3, 3)));
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  EXPECT_THAT(lines_, ElementsAre("deployment \"web\" successfully rolled out"));
  EXPECT_EQ(server_->count("GET", "watch=1"), 0);
}

TEST_F(RolloutWatcherTest, ProgressDeadlineExceededFailsTheRollout) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  json stuck = rolling(1, 0);
  stuck["conditions"] = {{{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"}}};
  server_->script_watch({.steps = {{.after = 10s, .object = with_status(deployment, stuck)}}});
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  EXPECT_EQ(outcome->message, "deployment \"web\" exceeded its progress deadline");
  Error error = outcome->to_error();
  EXPECT_EQ(error.code, ErrorCode::kUnavailable);
  EXPECT_EQ(error.retry, Retry::kNo);
}

TEST_F(RolloutWatcherTest, ACrashLoopingNewPodFailsFastWithItsNameAndReason) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  json old_set = server_->store(make_replica_set(deployment, "5c6b", "web:1", 1, "2026-11-01T00:00:00Z"));
  json new_set = server_->store(make_replica_set(deployment, "7d9f", "web:2", 2, "2026-11-29T00:00:00Z"));
  server_->store(make_pod(old_set, "web-5c6b-old"));
  json crashing = with_waiting(make_pod(new_set, "web-7d9f-abcde"), "CrashLoopBackOff",
                               "back-off 40s restarting failed container=web pod=web-7d9f-abcde_shop(1)", 3);
  crashing["status"]["containerStatuses"][0]["lastState"] = {{"terminated", {{"exitCode", 1}}}};
  // The pod starts crashing a second into the watch.
  server_->script_watch({.steps = {{.after = 1s, .object = crashing}}});

  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  ASSERT_EQ(outcome->problems.size(), 1u);
  EXPECT_EQ(outcome->problems[0].pod, "web-7d9f-abcde");
  EXPECT_EQ(outcome->problems[0].reason, "CrashLoopBackOff");
  EXPECT_EQ(outcome->message,
            "rollout of Deployment shop/web failed: pod web-7d9f-abcde: container web: CrashLoopBackOff: back-off 40s "
            "restarting failed container=web pod=web-7d9f-abcde_shop(1) (restarted 3 times; last exit code 1)");
  EXPECT_LE(elapsed(), 2s);  // the next pod check, not the deadline

  Error error = outcome->to_error();
  ASSERT_EQ(error.details.size(), 1u);
  EXPECT_EQ(error.details[0].location, "pod web-7d9f-abcde");
  EXPECT_THAT(error.details[0].message, HasSubstr("container web: CrashLoopBackOff"));
  // Pods and ReplicaSets are listed by the Deployment's selector.
  EXPECT_GE(server_->count("GET", "/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"), 1);
  EXPECT_GE(server_->count("GET", "/apis/apps/v1/namespaces/shop/replicasets?labelSelector=app%3Dweb"), 1);
}

TEST_F(RolloutWatcherTest, ImagePullErrorsFailAtTheFirstCheckAndNameEveryPod) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  json new_set = server_->store(make_replica_set(deployment, "7d9f", "web:2", 2, "2026-11-29T00:00:00Z"));
  server_->store(with_waiting(make_pod(new_set, "web-7d9f-a"), "ErrImagePull", "manifest unknown"));
  server_->store(with_waiting(make_pod(new_set, "web-7d9f-b"), "ImagePullBackOff", "Back-off pulling image"));
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  EXPECT_EQ(outcome->problems.size(), 2u);
  EXPECT_EQ(outcome->message,
            "rollout of Deployment shop/web failed: pod web-7d9f-a: container web: ErrImagePull: manifest unknown "
            "(and 1 more problem)");
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(RolloutWatcherTest, FailFastCanBeTurnedOff) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  json new_set = server_->store(make_replica_set(deployment, "7d9f", "web:2", 2, "2026-11-29T00:00:00Z"));
  server_->store(with_waiting(make_pod(new_set, "web-7d9f-a"), "ErrImagePull", "manifest unknown"));
  options_.fail_fast = false;
  options_.timeout = 20s;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kTimedOut);
  EXPECT_EQ(server_->count("GET", "/pods"), 0);
}

TEST_F(RolloutWatcherTest, UnschedulablePodsWarnFirstAndFailAfterTheirGrace) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  json new_set = server_->store(make_replica_set(deployment, "7d9f", "web:2", 2, "2026-11-29T00:00:00Z"));
  server_->store(with_unschedulable(make_pod(new_set, "web-7d9f-a"), "0/3 nodes are available: 3 Insufficient cpu."));
  options_.unschedulable_grace = 60s;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  EXPECT_EQ(outcome->message,
            "rollout of Deployment shop/web failed: pod web-7d9f-a: Unschedulable: 0/3 nodes are available: 3 "
            "Insufficient cpu.");
  EXPECT_GE(elapsed(), 60s);
  EXPECT_LE(elapsed(), 62s);
  EXPECT_THAT(
      lines_,
      ElementsAre("Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...",
                  "waiting for pod web-7d9f-a: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu."));
}

TEST_F(RolloutWatcherTest, TimesOutWithTheLastStatus) {
  server_->store(with_status(make_deployment("web:2"), rolling(3, 1)));
  options_.timeout = 30s;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kTimedOut);
  EXPECT_EQ(outcome->message,
            "timed out after 30s waiting for Deployment shop/web to roll out; last status: Waiting for deployment "
            "\"web\" rollout to finish: 1 of 3 updated replicas are available...");
  EXPECT_GE(elapsed(), 30s);
  EXPECT_LE(elapsed(), 31s);
  // Watches ended by the server every pod-check interval, each resumed.
  EXPECT_GE(server_->count("GET", "watch=1"), 10);
}

TEST_F(RolloutWatcherTest, TheTimeoutBoundsALongWatch) {
  server_->store(with_status(make_deployment("web:2"), rolling(3, 1)));
  options_.timeout = 7s;
  options_.fail_fast = false;  // nothing else shortens the watch
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kTimedOut);
  EXPECT_EQ(elapsed(), 7s);
  EXPECT_EQ(server_->count("GET", "timeoutSeconds=7"), 1);
}

TEST_F(RolloutWatcherTest, ResumesAfterADroppedConnectionFromTheLastResourceVersion) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  server_->script_watch(
      {.steps = {{.after = 1s, .object = with_status(deployment, rolling(3, 1))}}, .end = End::kDrop});
  server_->script_watch({.steps = {{.after = 1s, .object = with_status(deployment, rolling(3, 3))}}});
  options_.fail_fast = false;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  std::vector<std::string> watches;
  for (const auto& request : server_->requests())
    if (request.path.find("watch=1") != std::string::npos) watches.push_back(request.path);
  ASSERT_EQ(watches.size(), 2u);
  // The event before the drop was stored at resourceVersion 102.
  EXPECT_THAT(watches[1], HasSubstr("resourceVersion=102"));
  EXPECT_EQ(server_->count("GET", "/deployments?fieldSelector"), 1);  // no relist
}

TEST_F(RolloutWatcherTest, RelistsWhenTheWatchIsGone) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  server_->script_watch({.end = End::kGone});
  server_->script_watch({.steps = {{.after = 1s, .object = with_status(deployment, rolling(3, 3))}}});
  options_.fail_fast = false;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  EXPECT_EQ(server_->count("GET", "/deployments?fieldSelector"), 2);
}

TEST_F(RolloutWatcherTest, ADeletedObjectIsNotFound) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  server_->script_watch({.steps = {{.after = 1s, .object = deployment, .type = "DELETED"}}});
  auto outcome = wait();
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(outcome.error().message, "context test: Deployment shop/web was deleted while waiting for its rollout");
}

TEST_F(RolloutWatcherTest, AMissingObjectIsNotFound) {
  auto outcome = wait(kDeployment, "nope");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(outcome.error().message, "context test: Deployment shop/nope not found");
}

TEST_F(RolloutWatcherTest, OnDeleteStatefulSetsAreInvalidInput) {
  server_->store({{"apiVersion", "apps/v1"},
                  {"kind", "StatefulSet"},
                  {"metadata", {{"name", "redis"}, {"namespace", "shop"}, {"generation", 1}}},
                  {"spec", {{"replicas", 1}, {"updateStrategy", {{"type", "OnDelete"}}}}},
                  {"status", {{"observedGeneration", 1}}}});
  auto outcome = wait({"apps", "v1", "StatefulSet"}, "redis");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(outcome.error().message, "rollout status is only available for RollingUpdate strategy type");
}

TEST_F(RolloutWatcherTest, KindsWithoutRolloutStatusAreRefusedBeforeAnyRequest) {
  auto outcome = wait({"", "v1", "Service"}, "web");
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(outcome.error().message, "no status viewer has been implemented for Service");
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(RolloutWatcherTest, AStatefulSetWithACrashingPodOfTheUpdateRevisionFails) {
  json sts = server_->store({{"apiVersion", "apps/v1"},
                             {"kind", "StatefulSet"},
                             {"metadata", {{"name", "redis"}, {"namespace", "shop"}, {"generation", 2}}},
                             {"spec",
                              {{"replicas", 3},
                               {"selector", {{"matchLabels", {{"app", "redis"}}}}},
                               {"updateStrategy", {{"type", "RollingUpdate"}}}}},
                             {"status",
                              {{"observedGeneration", 2},
                               {"readyReplicas", 2},
                               {"updateRevision", "redis-new"},
                               {"currentRevision", "redis-old"}}}});
  json pod = with_waiting(make_pod(sts, "redis-2"), "CrashLoopBackOff", "back-off", 5);
  pod["metadata"]["labels"] = {{"app", "redis"}, {"controller-revision-hash", "redis-new"}};
  server_->store(pod);
  auto outcome = wait({"apps", "v1", "StatefulSet"}, "redis");
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  EXPECT_THAT(outcome->message, HasSubstr("pod redis-2: container web: CrashLoopBackOff"));
  EXPECT_THAT(lines_, ElementsAre("Waiting for 1 pods to be ready..."));
}

TEST_F(RolloutWatcherTest, ADaemonSetRollsOut) {
  json ds = server_->store({{"apiVersion", "apps/v1"},
                            {"kind", "DaemonSet"},
                            {"metadata", {{"name", "filebeat"}, {"namespace", "shop"}, {"generation", 3}}},
                            {"spec", {{"selector", {{"matchLabels", {{"app", "filebeat"}}}}}}},
                            {"status",
                             {{"observedGeneration", 3},
                              {"desiredNumberScheduled", 2},
                              {"updatedNumberScheduled", 1},
                              {"numberAvailable", 1}}}});
  json finished = ds;
  finished["status"]["updatedNumberScheduled"] = 2;
  finished["status"]["numberAvailable"] = 2;
  server_->script_watch({.steps = {{.after = 1s, .object = finished}}});
  auto outcome = wait({"apps", "v1", "DaemonSet"}, "filebeat");
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  EXPECT_THAT(
      lines_,
      ElementsAre("Waiting for daemon set \"filebeat\" rollout to finish: 1 out of 2 new pods have been updated...",
                  "daemon set \"filebeat\" successfully rolled out"));
  EXPECT_GE(server_->count("GET", "/controllerrevisions?labelSelector=app%3Dfilebeat"), 1);
}

TEST_F(RolloutWatcherTest, PollingReadsTheObjectEveryInterval) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  int reads = 0;
  server_->before_request = [&](const HttpRequest& request) {
    if (request.path != "/apis/apps/v1/namespaces/shop/deployments/web") return;
    if (++reads == 3) server_->store(with_status(deployment, rolling(3, 3)));
  };
  options_.watch = false;
  options_.poll_interval = 5s;
  options_.fail_fast = false;
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  EXPECT_EQ(reads, 3);
  EXPECT_EQ(elapsed(), 15s);
  EXPECT_EQ(server_->count("GET", "watch=1"), 0);
}

TEST_F(RolloutWatcherTest, TransientApiErrorsAreRetried) {
  server_->store(with_status(make_deployment("web:2"), rolling(3, 3)));
  server_->fail_next("GET", "/deployments?", 503, 2);
  auto outcome = wait();
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->done());
  EXPECT_EQ(elapsed(), 3s);  // backed off 1 s, then 2 s
}

TEST_F(RolloutWatcherTest, AnUnreachableApiIsAnErrorWhenTheObjectWasNeverRead) {
  server_->fail_next("GET", "/deployments?", 503, 1000);
  options_.timeout = 20s;
  auto outcome = wait();
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(outcome.error().retry, Retry::kYes);
  EXPECT_EQ(elapsed(), 20s);
}

TEST_F(RolloutWatcherTest, WithoutTheRightToListPodsTheRolloutIsStillFollowed) {
  json deployment = server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  server_->fail_next("GET", "/replicasets?", 403);
  server_->script_watch({.steps = {{.after = 3s, .object = with_status(deployment, rolling(3, 3))}}});
  auto outcome = wait();
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->done());
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_THAT(lines_[1], HasSubstr("not checking pods for problems: "));
  EXPECT_EQ(server_->count("GET", "/replicasets?"), 1);
}

TEST_F(RolloutWatcherTest, DeniedReadsOfTheObjectAreErrors) {
  server_->fail_next("GET", "/deployments?", 403);
  auto outcome = wait();
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kDenied);
}

TEST_F(RolloutWatcherTest, AStopRequestEndsTheWait) {
  server_->store(with_status(make_deployment("web:2"), rolling(1, 0)));
  std::stop_source stop;
  stop.request_stop();
  auto outcome = wait(kDeployment, "web", stop.get_token());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, RolloutState::kStopped);
}

TEST(GoDurationText, PrintsAsGoDoes) {
  EXPECT_EQ(go_duration_text(0ms), "0s");
  EXPECT_EQ(go_duration_text(500ms), "500ms");
  EXPECT_EQ(go_duration_text(1500ms), "1.5s");
  EXPECT_EQ(go_duration_text(45s), "45s");
  EXPECT_EQ(go_duration_text(90s), "1m30s");
  EXPECT_EQ(go_duration_text(5min), "5m0s");
  EXPECT_EQ(go_duration_text(2h), "2h0m0s");
  EXPECT_EQ(go_duration_text(3723250ms), "1h2m3.25s");
}

}  // namespace
}  // namespace pier::kube
