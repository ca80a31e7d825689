// Which pods a rollout is waiting for: those of the workload's newest
// revision. Old pods that crash while they are being replaced are not the
// rollout's problem; new ones are.
//
//   WorkloadObjects objects{replica_sets, {}, pods};
//   for (const nlohmann::json* pod : current_revision_pods(deployment, objects)) ...
//
//   Deployment   the new ReplicaSet (kubectl's rule, see find_new_replica_set)
//                and the pods it controls.
//   StatefulSet  the pods it controls labelled controller-revision-hash =
//                status.updateRevision.
//   DaemonSet    the pods it controls of the newest ControllerRevision
//                (controller-revision-hash) or of the current generation
//                (pod-template-generation): the DaemonSet controller's own test.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace pier::kube {

// What is listed next to a workload to find its pods; objects that the
// workload does not control are ignored, so a namespace-wide list will do.
struct WorkloadObjects {
  std::vector<nlohmann::json> replica_sets;          // for a Deployment
  std::vector<nlohmann::json> controller_revisions;  // for a DaemonSet
  std::vector<nlohmann::json> pods;
};

// The Deployment's new ReplicaSet, or nullptr when the controller has not
// created it yet. As kubectl: among the ReplicaSets the Deployment controls,
// the oldest (creationTimestamp, then name) whose pod template equals the
// Deployment's, ignoring the pod-template-hash label. When no template
// matches but the controller has observed the current generation, the one
// whose deployment.kubernetes.io/revision annotation equals the Deployment's
// (a server that adds template fields could otherwise hide it).
const nlohmann::json* find_new_replica_set(const nlohmann::json& deployment,
                                           const std::vector<nlohmann::json>& replica_sets);

// The pods of the newest revision of a Deployment, StatefulSet or DaemonSet
// (pointers into objects.pods); empty for other kinds.
std::vector<const nlohmann::json*> current_revision_pods(const nlohmann::json& workload,
                                                         const WorkloadObjects& objects);

}  // namespace pier::kube
