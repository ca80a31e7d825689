// Each branch of kubectl's rollout status, with kubectl's exact words.
#include "kube/rollout_status.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using nlohmann::json;

json deployment(json spec, json status, int generation = 2) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"generation", generation}}},
          {"spec", std::move(spec)},
          {"status", std::move(status)}};
}

TEST(DeploymentRolloutStatus, WaitsForTheSpecUpdateToBeObserved) {
  auto s = deployment_rollout_status(deployment({{"replicas", 3}}, {{"observedGeneration", 1}}));
  EXPECT_FALSE(s.done);
  EXPECT_FALSE(s.error);
  EXPECT_EQ(s.message, "Waiting for deployment spec update to be observed...");
}

TEST(DeploymentRolloutStatus, ProgressDeadlineExceededIsAnError) {
  json status = {{"observedGeneration", 2},
                 {"replicas", 3},
                 {"updatedReplicas", 1},
                 {"conditions",
                  {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}},
                   {{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"}}}}};
  auto s = deployment_rollout_status(deployment({{"replicas", 3}}, status));
  ASSERT_TRUE(s.error);
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.error->code, ErrorCode::kUnavailable);
  EXPECT_EQ(s.error->message, "deployment \"web\" exceeded its progress deadline");
}

TEST(DeploymentRolloutStatus, ProgressingWithOtherReasonsIsNotAnError) {
  json status = {{"observedGeneration", 2},
                 {"replicas", 3},
                 {"updatedReplicas", 3},
                 {"availableReplicas", 3},
                 {"conditions", {{{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}}}}};
  auto s = deployment_rollout_status(deployment({{"replicas", 3}}, status));
  EXPECT_FALSE(s.error);
  EXPECT_TRUE(s.done);
}

TEST(DeploymentRolloutStatus, NewReplicasNotYetUpdated) {
  auto s = deployment_rollout_status(
      deployment({{"replicas", 3}}, {{"observedGeneration", 2}, {"replicas", 4}, {"updatedReplicas", 1}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message,
            "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...");
}

TEST(DeploymentRolloutStatus, OldReplicasPendingTermination) {
  auto s = deployment_rollout_status(
      deployment({{"replicas", 3}}, {{"observedGeneration", 2}, {"replicas", 5}, {"updatedReplicas", 3}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for deployment \"web\" rollout to finish: 2 old replicas are pending termination...");
}

TEST(DeploymentRolloutStatus, UpdatedReplicasNotYetAvailable) {
  auto s = deployment_rollout_status(
      deployment({{"replicas", 3}},
                 {{"observedGeneration", 2}, {"replicas", 3}, {"updatedReplicas", 3}, {"availableReplicas", 1}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...");
}

TEST(DeploymentRolloutStatus, SuccessfullyRolledOut) {
  auto s = deployment_rollout_status(
      deployment({{"replicas", 3}},
                 {{"observedGeneration", 2}, {"replicas", 3}, {"updatedReplicas", 3}, {"availableReplicas", 3}}));
  EXPECT_TRUE(s.done);
  EXPECT_FALSE(s.error);
  EXPECT_EQ(s.message, "deployment \"web\" successfully rolled out");
}

TEST(DeploymentRolloutStatus, WithoutSpecReplicasOnlyTheStatusCounts) {
  // kubectl skips the "new replicas" test when spec.replicas is unset.
  auto s = deployment_rollout_status(
      deployment(json::object(), {{"observedGeneration", 2}, {"replicas", 0}, {"updatedReplicas", 0}}));
  EXPECT_TRUE(s.done);
}

TEST(DeploymentRolloutStatus, ScaledToZeroIsDone) {
  auto s = deployment_rollout_status(deployment({{"replicas", 0}}, {{"observedGeneration", 2}}));
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.message, "deployment \"web\" successfully rolled out");
}

TEST(DeploymentRolloutStatus, NamesAreQuotedAsGoQuotesThem) {
  json d = deployment({{"replicas", 1}}, {{"observedGeneration", 2}, {"updatedReplicas", 0}});
  d["metadata"]["name"] = "we\"b";
  EXPECT_EQ(deployment_rollout_status(d).message,
            "Waiting for deployment \"we\\\"b\" rollout to finish: 0 out of 1 new replicas have been updated...");
}

json statefulset(json spec, json status, int generation = 2) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", {{"name", "redis"}, {"namespace", "shop"}, {"generation", generation}}},
          {"spec", std::move(spec)},
          {"status", std::move(status)}};
}

TEST(StatefulSetRolloutStatus, OnDeleteIsInvalidInput) {
  auto s = statefulset_rollout_status(
      statefulset({{"replicas", 3}, {"updateStrategy", {{"type", "OnDelete"}}}}, {{"observedGeneration", 2}}));
  ASSERT_TRUE(s.error);
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.error->code, ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error->message, "rollout status is only available for RollingUpdate strategy type");
}

TEST(StatefulSetRolloutStatus, WaitsWhileNoGenerationIsObserved) {
  auto s = statefulset_rollout_status(statefulset({{"replicas", 3}}, json::object(), 0));
  EXPECT_EQ(s.message, "Waiting for statefulset spec update to be observed...");
  s = statefulset_rollout_status(statefulset({{"replicas", 3}}, {{"observedGeneration", 1}}));
  EXPECT_EQ(s.message, "Waiting for statefulset spec update to be observed...");
  EXPECT_FALSE(s.done);
}

TEST(StatefulSetRolloutStatus, WaitsForReadyPods) {
  auto s =
      statefulset_rollout_status(statefulset({{"replicas", 3}}, {{"observedGeneration", 2}, {"readyReplicas", 1}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for 2 pods to be ready...");
}

TEST(StatefulSetRolloutStatus, PartitionedRollOutWaits) {
  json spec = {{"replicas", 5}, {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 2}}}}}};
  auto s = statefulset_rollout_status(
      statefulset(spec, {{"observedGeneration", 2}, {"readyReplicas", 5}, {"updatedReplicas", 1}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...");
}

TEST(StatefulSetRolloutStatus, PartitionedRollOutComplete) {
  json spec = {{"replicas", 5}, {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 2}}}}}};
  auto s = statefulset_rollout_status(
      statefulset(spec, {{"observedGeneration", 2}, {"readyReplicas", 5}, {"updatedReplicas", 3}}));
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.message, "partitioned roll out complete: 3 new pods have been updated...");
}

TEST(StatefulSetRolloutStatus, RollingUpdateWithoutPartitionIsReportedAsPartitionedComplete) {
  // What the API server stores by default ({partition: 0}) leads kubectl down
  // the partitioned branch; without a partition it reports completion.
  json spec = {{"replicas", 3}, {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", json::object()}}}};
  auto s = statefulset_rollout_status(statefulset(spec, {{"observedGeneration", 2},
                                                         {"readyReplicas", 3},
                                                         {"updatedReplicas", 1},
                                                         {"updateRevision", "redis-2"},
                                                         {"currentRevision", "redis-1"}}));
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.message, "partitioned roll out complete: 1 new pods have been updated...");
}

TEST(StatefulSetRolloutStatus, WaitsForTheRollingUpdateToReachTheUpdateRevision) {
  auto s = statefulset_rollout_status(statefulset({{"replicas", 3}, {"updateStrategy", {{"type", "RollingUpdate"}}}},
                                                  {{"observedGeneration", 2},
                                                   {"readyReplicas", 3},
                                                   {"updatedReplicas", 1},
                                                   {"currentReplicas", 2},
                                                   {"updateRevision", "redis-7b8d9c6f5"},
                                                   {"currentRevision", "redis-5f4d8b7c9"}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "waiting for statefulset rolling update to complete 1 pods at revision redis-7b8d9c6f5...");
}

TEST(StatefulSetRolloutStatus, RollingUpdateComplete) {
  auto s = statefulset_rollout_status(statefulset({{"replicas", 3}}, {{"observedGeneration", 2},
                                                                      {"readyReplicas", 3},
                                                                      {"updatedReplicas", 3},
                                                                      {"currentReplicas", 3},
                                                                      {"updateRevision", "redis-7b8d9c6f5"},
                                                                      {"currentRevision", "redis-7b8d9c6f5"}}));
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.message, "statefulset rolling update complete 3 pods at revision redis-7b8d9c6f5...");
}

json daemonset(json spec, json status, int generation = 4) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "DaemonSet"},
          {"metadata", {{"name", "filebeat"}, {"namespace", "logging"}, {"generation", generation}}},
          {"spec", std::move(spec)},
          {"status", std::move(status)}};
}

TEST(DaemonSetRolloutStatus, OnDeleteIsInvalidInput) {
  auto s =
      daemonset_rollout_status(daemonset({{"updateStrategy", {{"type", "OnDelete"}}}}, {{"observedGeneration", 4}}));
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->code, ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error->message, "rollout status is only available for RollingUpdate strategy type");
}

TEST(DaemonSetRolloutStatus, WaitsForTheSpecUpdateToBeObserved) {
  auto s = daemonset_rollout_status(daemonset(json::object(), {{"observedGeneration", 3}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for daemon set spec update to be observed...");
}

TEST(DaemonSetRolloutStatus, WaitsForUpdatedPods) {
  auto s = daemonset_rollout_status(
      daemonset({{"updateStrategy", {{"type", "RollingUpdate"}}}}, {{"observedGeneration", 4},
                                                                    {"desiredNumberScheduled", 5},
                                                                    {"updatedNumberScheduled", 2},
                                                                    {"numberAvailable", 5}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message,
            "Waiting for daemon set \"filebeat\" rollout to finish: 2 out of 5 new pods have been updated...");
}

TEST(DaemonSetRolloutStatus, WaitsForAvailablePods) {
  auto s = daemonset_rollout_status(daemonset(json::object(), {{"observedGeneration", 4},
                                                               {"desiredNumberScheduled", 5},
                                                               {"updatedNumberScheduled", 5},
                                                               {"numberAvailable", 4}}));
  EXPECT_FALSE(s.done);
  EXPECT_EQ(s.message, "Waiting for daemon set \"filebeat\" rollout to finish: 4 of 5 updated pods are available...");
}

TEST(DaemonSetRolloutStatus, SuccessfullyRolledOut) {
  auto s = daemonset_rollout_status(daemonset(json::object(), {{"observedGeneration", 4},
                                                               {"desiredNumberScheduled", 5},
                                                               {"updatedNumberScheduled", 5},
                                                               {"numberAvailable", 5}}));
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.message, "daemon set \"filebeat\" successfully rolled out");
}

TEST(RolloutStatus, DispatchesOnKind) {
  EXPECT_EQ(rollout_status(deployment({{"replicas", 1}}, {{"observedGeneration", 1}})).message,
            "Waiting for deployment spec update to be observed...");
  EXPECT_EQ(rollout_status(statefulset({{"replicas", 1}}, {{"observedGeneration", 1}})).message,
            "Waiting for statefulset spec update to be observed...");
  EXPECT_EQ(rollout_status(daemonset({}, {{"observedGeneration", 1}})).message,
            "Waiting for daemon set spec update to be observed...");
  EXPECT_TRUE(has_rollout_status("DaemonSet"));
  EXPECT_FALSE(has_rollout_status("CronJob"));
}

TEST(RolloutStatus, OtherKindsHaveNoStatusViewer) {
  auto s = rollout_status({{"apiVersion", "batch/v1"}, {"kind", "CronJob"}, {"metadata", {{"name", "x"}}}});
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->code, ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error->message, "no status viewer has been implemented for CronJob.batch");
  s = rollout_status({{"apiVersion", "v1"}, {"kind", "Service"}});
  EXPECT_EQ(s.error->message, "no status viewer has been implemented for Service");
}

}  // namespace
}  // namespace pier::kube
