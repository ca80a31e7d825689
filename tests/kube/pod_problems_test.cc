// Which pod states fail a rollout fast, and how they are described.
#include "kube/pod_problems.h"

#include <gtest/gtest.h>

#include "control_test_objects.h"

namespace pier::kube {
namespace {

using nlohmann::json;
using testing::make_deployment;
using testing::make_pod;
using testing::make_replica_set;
using testing::with_unschedulable;
using testing::with_waiting;

json replica_set() { return make_replica_set(make_deployment("web:2"), "7d9f", "web:2", 2, "2026-01-01T00:00:00Z"); }

TEST(PodProblems, AHealthyPodHasNone) { EXPECT_TRUE(find_pod_problems(make_pod(replica_set(), "web-7d9f-a")).empty()); }

class ImmediateReason : public ::testing::TestWithParam<const char*> {};

TEST_P(ImmediateReason, IsReportedAtOnce) {
  json pod = with_waiting(make_pod(replica_set(), "web-7d9f-a"), GetParam(), "details");
  auto problems = find_pod_problems(pod);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pod, "web-7d9f-a");
  EXPECT_EQ(problems[0].container, "web");
  EXPECT_EQ(problems[0].reason, GetParam());
  EXPECT_EQ(problems[0].message, "details");
  EXPECT_EQ(problems[0].describe(), std::string("pod web-7d9f-a: container web: ") + GetParam() + ": details");
  EXPECT_TRUE(is_problem_reason(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Reasons, ImmediateReason,
                         ::testing::Values("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
                                           "CreateContainerConfigError", "CreateContainerError"));

TEST(PodProblems, OrdinaryWaitingIsNotAProblem) {
  EXPECT_TRUE(find_pod_problems(with_waiting(make_pod(replica_set(), "p"), "ContainerCreating", "")).empty());
  EXPECT_TRUE(find_pod_problems(with_waiting(make_pod(replica_set(), "p"), "PodInitializing", "")).empty());
  EXPECT_FALSE(is_problem_reason("ContainerCreating"));
}

TEST(PodProblems, CrashLoopCountsFromTheRestartThreshold) {
  json once = with_waiting(make_pod(replica_set(), "p"), "CrashLoopBackOff", "back-off 10s", 1);
  EXPECT_TRUE(find_pod_problems(once).empty());
  json twice = with_waiting(make_pod(replica_set(), "p"), "CrashLoopBackOff", "back-off 20s", 2);
  EXPECT_EQ(find_pod_problems(twice).size(), 1u);
  EXPECT_TRUE(find_pod_problems(twice, {.crash_loop_min_restarts = 3}).empty());
  EXPECT_EQ(find_pod_problems(once, {.crash_loop_min_restarts = 0}).size(), 1u);
}

TEST(PodProblems, CrashLoopDescribesRestartsAndLastExit) {
  json pod = with_waiting(make_pod(replica_set(), "jetty-7d9f-abcde"), "CrashLoopBackOff",
                          "back-off 5m0s restarting failed container=jetty pod=jetty-7d9f-abcde_shop(1)", 4);
  pod["status"]["containerStatuses"][0]["name"] = "jetty";
  pod["status"]["containerStatuses"][0]["lastState"] = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}};
  auto problems = find_pod_problems(pod);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].restart_count, 4);
  EXPECT_EQ(problems[0].last_exit_code, 1);
  EXPECT_EQ(problems[0].describe(),
            "pod jetty-7d9f-abcde: container jetty: CrashLoopBackOff: back-off 5m0s restarting failed container=jetty "
            "pod=jetty-7d9f-abcde_shop(1) (restarted 4 times; last exit code 1)");
}

TEST(PodProblems, OomKillIsNamed) {
  json pod = with_waiting(make_pod(replica_set(), "p"), "CrashLoopBackOff", "", 2);
  pod["status"]["containerStatuses"][0]["lastState"] = {{"terminated", {{"exitCode", 137}, {"reason", "OOMKilled"}}}};
  EXPECT_EQ(find_pod_problems(pod)[0].describe(),
            "pod p: container web: CrashLoopBackOff (restarted 2 times; last exit code 137: OOMKilled)");
}

TEST(PodProblems, InitContainersAreCheckedFirst) {
  json pod = with_waiting(make_pod(replica_set(), "p"), "ImagePullBackOff", "Back-off pulling image \"web:2\"");
  pod["status"]["initContainerStatuses"] = {
      {{"name", "migrate"},
       {"restartCount", 3},
       {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}, {"message", "back-off 40s"}}}}},
       {"lastState", {{"terminated", {{"exitCode", 2}}}}}}};
  auto problems = find_pod_problems(pod);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_TRUE(problems[0].init_container);
  EXPECT_EQ(problems[0].describe(),
            "pod p: init container migrate: CrashLoopBackOff: back-off 40s (restarted 3 times; last exit code 2)");
  EXPECT_EQ(problems[1].describe(), "pod p: container web: ImagePullBackOff: Back-off pulling image \"web:2\"");
}

TEST(PodProblems, Unschedulable) {
  json pod = with_unschedulable(make_pod(replica_set(), "p"), "0/3 nodes are available: 3 Insufficient cpu.");
  auto problems = find_pod_problems(pod);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].container, "");
  EXPECT_EQ(problems[0].reason, "Unschedulable");
  EXPECT_EQ(problems[0].describe(), "pod p: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.");
}

TEST(PodProblems, PendingForOtherReasonsIsNotAProblem) {
  json pod = make_pod(replica_set(), "p");
  pod["status"]["conditions"] = {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "SchedulingGated"}}};
  EXPECT_TRUE(find_pod_problems(pod).empty());
}

TEST(PodProblems, PodsOnTheirWayOutAreSkipped) {
  json deleting = with_waiting(make_pod(replica_set(), "p"), "ErrImagePull", "");
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(find_pod_problems(deleting).empty());
  json evicted = with_waiting(make_pod(replica_set(), "p"), "ErrImagePull", "");
  evicted["status"]["phase"] = "Failed";
  EXPECT_TRUE(find_pod_problems(evicted).empty());
}

TEST(PodProblems, MalformedStatusIsNotAProblem) {
  json pod = make_pod(replica_set(), "p");
  pod["status"]["containerStatuses"] = "nonsense";
  EXPECT_TRUE(find_pod_problems(pod).empty());
  EXPECT_TRUE(find_pod_problems(json::array()).empty());
}

TEST(RolloutPodProblems, OnlyPodsOfTheNewReplicaSetCount) {
  json deployment = make_deployment("web:2");
  json old_set = make_replica_set(deployment, "5c6b", "web:1", 1, "2025-12-01T00:00:00Z");
  json new_set = make_replica_set(deployment, "7d9f", "web:2", 2, "2026-01-01T00:00:00Z");
  WorkloadObjects objects;
  objects.replica_sets = {old_set, new_set};
  objects.pods = {with_waiting(make_pod(old_set, "web-5c6b-old"), "CrashLoopBackOff", "", 9),
                  with_waiting(make_pod(new_set, "web-7d9f-b"), "ErrImagePull", "not found"),
                  with_waiting(make_pod(new_set, "web-7d9f-a"), "ImagePullBackOff", "not found"),
                  make_pod(new_set, "web-7d9f-c")};
  auto problems = find_rollout_pod_problems(deployment, objects);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].pod, "web-7d9f-a");  // sorted by pod name
  EXPECT_EQ(problems[1].pod, "web-7d9f-b");
}

}  // namespace
}  // namespace pier::kube
