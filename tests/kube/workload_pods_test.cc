// Finding the pods of a workload's newest revision.
#include "kube/workload_pods.h"

#include <gtest/gtest.h>

#include "control_test_objects.h"

namespace pier::kube {
namespace {

using nlohmann::json;
using testing::make_deployment;
using testing::make_pod;
using testing::make_replica_set;
using testing::owner_reference;

std::string name_of(const json* object) {
  return object == nullptr ? "(none)" : (*object)["metadata"]["name"].get<std::string>();
}

std::vector<std::string> names(const std::vector<const json*>& objects) {
  std::vector<std::string> out;
  for (const json* object : objects) out.push_back(name_of(object));
  return out;
}

TEST(FindNewReplicaSet, IsTheOneWithTheDeploymentsTemplate) {
  json deployment = make_deployment("web:2");
  std::vector<json> sets = {make_replica_set(deployment, "7d9f", "web:2", 2, "2026-01-02T00:00:00Z"),
                            make_replica_set(deployment, "5c6b", "web:1", 1, "2026-01-01T00:00:00Z")};
  EXPECT_EQ(name_of(find_new_replica_set(deployment, sets)), "web-7d9f");
}

TEST(FindNewReplicaSet, PrefersTheOldestOfSeveralMatches) {
  json deployment = make_deployment("web:2");
  std::vector<json> sets = {make_replica_set(deployment, "bbbb", "web:2", 3, "2026-01-02T00:00:00Z"),
                            make_replica_set(deployment, "cccc", "web:2", 2, "2026-01-01T00:00:00Z"),
                            make_replica_set(deployment, "aaaa", "web:2", 2, "2026-01-01T00:00:00Z")};
  EXPECT_EQ(name_of(find_new_replica_set(deployment, sets)), "web-aaaa");  // same time: by name
}

TEST(FindNewReplicaSet, IgnoresReplicaSetsOfOtherControllers) {
  json deployment = make_deployment("web:2");
  json other = make_deployment("web:2");
  other["metadata"]["uid"] = "uid-other";
  std::vector<json> sets = {make_replica_set(other, "7d9f", "web:2", 2, "2026-01-01T00:00:00Z")};
  EXPECT_EQ(find_new_replica_set(deployment, sets), nullptr);
  sets[0]["metadata"]["ownerReferences"][0]["uid"] = "uid-deploy-web";
  sets[0]["metadata"]["ownerReferences"][0]["controller"] = false;  // owner, not controller
  EXPECT_EQ(find_new_replica_set(deployment, sets), nullptr);
}

TEST(FindNewReplicaSet, NoneBeforeTheControllerCreatesIt) {
  json deployment = make_deployment("web:3");
  deployment["metadata"]["generation"] = 3;  // not observed yet
  std::vector<json> sets = {make_replica_set(deployment, "7d9f", "web:2", 2, "2026-01-01T00:00:00Z")};
  EXPECT_EQ(find_new_replica_set(deployment, sets), nullptr);
}

TEST(FindNewReplicaSet, FallsBackToTheRevisionOnceObserved) {
  // A template the server extended (a defaulted field) no longer compares
  // equal; the controller's revision annotation still names the new set.
  json deployment = make_deployment("web:2");
  std::vector<json> sets = {make_replica_set(deployment, "5c6b", "web:1", 1, "2026-01-01T00:00:00Z"),
                            make_replica_set(deployment, "7d9f", "web:2", 2, "2026-01-02T00:00:00Z")};
  sets[1]["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirst";
  EXPECT_EQ(name_of(find_new_replica_set(deployment, sets)), "web-7d9f");
  deployment["status"]["observedGeneration"] = 1;
  EXPECT_EQ(find_new_replica_set(deployment, sets), nullptr);
}

TEST(CurrentRevisionPods, DeploymentPodsOfTheNewReplicaSet) {
  json deployment = make_deployment("web:2");
  WorkloadObjects objects;
  objects.replica_sets = {make_replica_set(deployment, "5c6b", "web:1", 1, "2026-01-01T00:00:00Z"),
                          make_replica_set(deployment, "7d9f", "web:2", 2, "2026-01-02T00:00:00Z")};
  objects.pods = {make_pod(objects.replica_sets[0], "web-5c6b-a"), make_pod(objects.replica_sets[1], "web-7d9f-a"),
                  make_pod(objects.replica_sets[1], "web-7d9f-b")};
  EXPECT_EQ(names(current_revision_pods(deployment, objects)), (std::vector<std::string>{"web-7d9f-a", "web-7d9f-b"}));
}

json statefulset() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", {{"name", "redis"}, {"namespace", "shop"}, {"uid", "uid-sts"}}},
          {"status", {{"updateRevision", "redis-7b8d"}, {"currentRevision", "redis-5f4d"}}}};
}

TEST(CurrentRevisionPods, StatefulSetPodsAtTheUpdateRevision) {
  json sts = statefulset();
  WorkloadObjects objects;
  objects.pods = {make_pod(sts, "redis-0"), make_pod(sts, "redis-1"), make_pod(sts, "redis-2")};
  objects.pods[0]["metadata"]["labels"]["controller-revision-hash"] = "redis-5f4d";
  objects.pods[1]["metadata"]["labels"]["controller-revision-hash"] = "redis-5f4d";
  objects.pods[2]["metadata"]["labels"]["controller-revision-hash"] = "redis-7b8d";
  EXPECT_EQ(names(current_revision_pods(sts, objects)), (std::vector<std::string>{"redis-2"}));
  sts["status"].erase("updateRevision");  // not known yet: every pod it controls
  EXPECT_EQ(current_revision_pods(sts, objects).size(), 3u);
}

json daemonset() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "DaemonSet"},
          {"metadata", {{"name", "filebeat"}, {"namespace", "logging"}, {"uid", "uid-ds"}, {"generation", 5}}}};
}

json controller_revision(const json& owner, const std::string& hash, int revision) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ControllerRevision"},
          {"metadata",
           {{"name", "filebeat-" + hash},
            {"labels", {{"controller-revision-hash", hash}}},
            {"ownerReferences", {owner_reference(owner)}}}},
          {"revision", revision}};
}

TEST(CurrentRevisionPods, DaemonSetPodsOfTheNewestControllerRevisionOrGeneration) {
  json ds = daemonset();
  WorkloadObjects objects;
  objects.controller_revisions = {controller_revision(ds, "aaa", 3), controller_revision(ds, "bbb", 4)};
  objects.pods = {make_pod(ds, "filebeat-old"), make_pod(ds, "filebeat-new"), make_pod(ds, "filebeat-gen")};
  objects.pods[0]["metadata"]["labels"]["controller-revision-hash"] = "aaa";
  objects.pods[0]["metadata"]["labels"]["pod-template-generation"] = "4";
  objects.pods[1]["metadata"]["labels"]["controller-revision-hash"] = "bbb";
  objects.pods[2]["metadata"]["labels"]["pod-template-generation"] = "5";
  EXPECT_EQ(names(current_revision_pods(ds, objects)), (std::vector<std::string>{"filebeat-new", "filebeat-gen"}));
}

TEST(CurrentRevisionPods, OtherKindsHaveNone) {
  WorkloadObjects objects;
  EXPECT_TRUE(current_revision_pods({{"kind", "Service"}}, objects).empty());
}

}  // namespace
}  // namespace pier::kube
