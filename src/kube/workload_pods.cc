#include "kube/workload_pods.h"

#include <algorithm>
#include <string>

#include "kube/json_fields.h"

namespace pier::kube {

namespace {

using fields::int_at;
using fields::is_controlled_by;
using fields::label;
using fields::string_at;

constexpr const char* kPodTemplateHash = "pod-template-hash";
constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
constexpr const char* kControllerRevisionHash = "controller-revision-hash";
constexpr const char* kPodTemplateGeneration = "pod-template-generation";

// The pod template without the label the deployment controller adds to its
// ReplicaSets' copies; Go compares nil and empty maps as equal, so an empty
// label map goes too.
nlohmann::json template_without_hash(const nlohmann::json& workload) {
  const nlohmann::json* found = fields::find(workload, {"spec", "template"});
  nlohmann::json pod_template = found != nullptr ? *found : nlohmann::json::object();
  if (auto metadata = pod_template.find("metadata"); metadata != pod_template.end() && metadata->is_object()) {
    if (auto labels = metadata->find("labels"); labels != metadata->end() && labels->is_object()) {
      labels->erase(kPodTemplateHash);
      if (labels->empty()) metadata->erase(labels);
    }
  }
  return pod_template;
}

bool created_before(const nlohmann::json* a, const nlohmann::json* b) {
  // RFC 3339 timestamps in UTC from the API server compare as text.
  std::string time_a = string_at(*a, {"metadata", "creationTimestamp"});
  std::string time_b = string_at(*b, {"metadata", "creationTimestamp"});
  if (time_a != time_b) return time_a < time_b;
  return fields::name_of(*a) < fields::name_of(*b);
}

std::vector<const nlohmann::json*> controlled_by(const nlohmann::json& owner,
                                                 const std::vector<nlohmann::json>& objects) {
  std::vector<const nlohmann::json*> owned;
  for (const auto& object : objects)
    if (is_controlled_by(object, owner)) owned.push_back(&object);
  return owned;
}

std::vector<const nlohmann::json*> deployment_pods(const nlohmann::json& deployment, const WorkloadObjects& objects) {
  const nlohmann::json* new_replica_set = find_new_replica_set(deployment, objects.replica_sets);
  if (new_replica_set == nullptr) return {};
  return controlled_by(*new_replica_set, objects.pods);
}

std::vector<const nlohmann::json*> statefulset_pods(const nlohmann::json& statefulset, const WorkloadObjects& objects) {
  // The StatefulSet controller labels each pod with the name of its
  // ControllerRevision, which is what status.updateRevision holds.
  std::string update_revision = string_at(statefulset, {"status", "updateRevision"});
  std::vector<const nlohmann::json*> pods = controlled_by(statefulset, objects.pods);
  if (update_revision.empty()) return pods;
  std::erase_if(pods,
                [&](const nlohmann::json* pod) { return label(*pod, kControllerRevisionHash) != update_revision; });
  return pods;
}

std::vector<const nlohmann::json*> daemonset_pods(const nlohmann::json& daemonset, const WorkloadObjects& objects) {
  // A DaemonSet's status names no revision: the newest ControllerRevision it
  // controls carries the hash its current pods are labelled with.
  const nlohmann::json* newest = nullptr;
  for (const nlohmann::json* revision : controlled_by(daemonset, objects.controller_revisions))
    if (newest == nullptr || int_at(*revision, {"revision"}) > int_at(*newest, {"revision"})) newest = revision;
  const std::string hash = newest != nullptr ? label(*newest, kControllerRevisionHash) : "";
  const std::string generation = std::to_string(int_at(daemonset, {"metadata", "generation"}));

  std::vector<const nlohmann::json*> pods = controlled_by(daemonset, objects.pods);
  std::erase_if(pods, [&](const nlohmann::json* pod) {
    bool hash_matches = !hash.empty() && label(*pod, kControllerRevisionHash) == hash;
    bool generation_matches = label(*pod, kPodTemplateGeneration) == generation;
    return !hash_matches && !generation_matches;
  });
  return pods;
}

}  // namespace

const nlohmann::json* find_new_replica_set(const nlohmann::json& deployment,
                                           const std::vector<nlohmann::json>& replica_sets) {
  std::vector<const nlohmann::json*> owned = controlled_by(deployment, replica_sets);
  std::sort(owned.begin(), owned.end(), created_before);

  const nlohmann::json wanted = template_without_hash(deployment);
  for (const nlohmann::json* replica_set : owned)
    if (template_without_hash(*replica_set) == wanted) return replica_set;

  bool controller_caught_up =
      int_at(deployment, {"metadata", "generation"}) <= int_at(deployment, {"status", "observedGeneration"});
  std::string revision = fields::annotation(deployment, kRevisionAnnotation);
  if (!controller_caught_up || revision.empty()) return nullptr;
  for (const nlohmann::json* replica_set : owned)
    if (fields::annotation(*replica_set, kRevisionAnnotation) == revision) return replica_set;
  return nullptr;
}

std::vector<const nlohmann::json*> current_revision_pods(const nlohmann::json& workload,
                                                         const WorkloadObjects& objects) {
  std::string kind = string_at(workload, {"kind"});
  if (kind == "Deployment") return deployment_pods(workload, objects);
  if (kind == "StatefulSet") return statefulset_pods(workload, objects);
  if (kind == "DaemonSet") return daemonset_pods(workload, objects);
  return {};
}

}  // namespace pier::kube
