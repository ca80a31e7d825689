// Builders of the workload objects the control layer's tests feed in: a
// Deployment with its ReplicaSets and pods, as the API server returns them
// (apiVersion, kind, uid, ownerReferences filled in).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pier::kube::testing {

inline nlohmann::json owner_reference(const nlohmann::json& owner) {
  return {{"apiVersion", owner["apiVersion"]}, {"kind", owner["kind"]}, {"name", owner["metadata"]["name"]},
          {"uid", owner["metadata"]["uid"]},   {"controller", true},    {"blockOwnerDeletion", true}};
}

inline nlohmann::json pod_template(const std::string& image) {
  return {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}};
}

// A Deployment "web" in "shop" whose template runs `image`; generation 2,
// observed.
inline nlohmann::json make_deployment(const std::string& image, int replicas = 3) {
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", "web"},
        {"namespace", "shop"},
        {"uid", "uid-deploy-web"},
        {"generation", 2},
        {"resourceVersion", "100"},
        {"annotations", {{"deployment.kubernetes.io/revision", "2"}}}}},
      {"spec",
       {{"replicas", replicas}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", pod_template(image)}}},
      {"status", {{"observedGeneration", 2}}}};
}

// A ReplicaSet of `deployment` for `image`, as the deployment controller
// makes it: template copied, pod-template-hash label added.
inline nlohmann::json make_replica_set(const nlohmann::json& deployment, const std::string& hash,
                                       const std::string& image, int revision, const std::string& created) {
  nlohmann::json spec_template = pod_template(image);
  spec_template["metadata"]["labels"]["pod-template-hash"] = hash;
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata",
           {{"name", "web-" + hash},
            {"namespace", "shop"},
            {"uid", "uid-rs-" + hash},
            {"creationTimestamp", created},
            {"labels", {{"app", "web"}, {"pod-template-hash", hash}}},
            {"annotations", {{"deployment.kubernetes.io/revision", std::to_string(revision)}}},
            {"ownerReferences", {owner_reference(deployment)}}}},
          {"spec", {{"template", spec_template}}}};
}

// A running, ready pod controlled by `owner`.
inline nlohmann::json make_pod(const nlohmann::json& owner, const std::string& name) {
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name},
        {"namespace", "shop"},
        {"uid", "uid-pod-" + name},
        {"labels", {{"app", "web"}}},
        {"ownerReferences", {owner_reference(owner)}}}},
      {"status",
       {{"phase", "Running"},
        {"conditions", {{{"type", "PodScheduled"}, {"status", "True"}}}},
        {"containerStatuses",
         {{{"name", "web"}, {"ready", true}, {"restartCount", 0}, {"state", {{"running", {{"startedAt", "x"}}}}}}}}}}};
}

// Puts the pod's container `web` in the waiting state with `reason`.
inline nlohmann::json with_waiting(nlohmann::json pod, const std::string& reason, const std::string& message,
                                   int restarts = 0) {
  auto& status = pod["status"]["containerStatuses"][0];
  status["ready"] = false;
  status["restartCount"] = restarts;
  status["state"] = {{"waiting", {{"reason", reason}, {"message", message}}}};
  return pod;
}

inline nlohmann::json with_unschedulable(nlohmann::json pod, const std::string& message) {
  pod["status"] = {
      {"phase", "Pending"},
      {"conditions",
       {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}, {"message", message}}}}};
  return pod;
}

}  // namespace pier::kube::testing
