#include "kube/rollout_status.h"

#include <string>

#include "kube/json_fields.h"

namespace pier::kube {

namespace {

using fields::go_quote;
using fields::int_at;
using fields::optional_int_at;
using fields::string_at;

constexpr std::string_view kRollingUpdate = "RollingUpdate";
// The reason the deployment controller gives when progressDeadlineSeconds passes.
constexpr std::string_view kProgressDeadlineExceeded = "ProgressDeadlineExceeded";

RolloutStatus waiting(std::string message) { return {false, std::move(message), std::nullopt}; }
RolloutStatus finished(std::string message) { return {true, std::move(message), std::nullopt}; }
RolloutStatus failed(Error error) { return {false, "", std::move(error)}; }

// The update strategy as the API server stores it; an object written by hand
// without one gets the server's default, RollingUpdate.
std::string update_strategy(const nlohmann::json& object) {
  std::string type = string_at(object, {"spec", "updateStrategy", "type"});
  return type.empty() ? std::string(kRollingUpdate) : type;
}

Error only_rolling_update() {
  // kubectl names RollingUpdate in this message for both kinds.
  return Error::invalid("rollout status is only available for RollingUpdate strategy type");
}

std::string progressing_reason(const nlohmann::json& deployment) {
  const nlohmann::json* conditions = fields::find(deployment, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return "";
  for (const auto& condition : *conditions)
    if (string_at(condition, {"type"}) == "Progressing") return string_at(condition, {"reason"});
  return "";
}

}  // namespace

bool has_rollout_status(std::string_view kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet";
}

RolloutStatus rollout_status(const nlohmann::json& object) {
  std::string kind = string_at(object, {"kind"});
  if (kind == "Deployment") return deployment_rollout_status(object);
  if (kind == "StatefulSet") return statefulset_rollout_status(object);
  if (kind == "DaemonSet") return daemonset_rollout_status(object);
  // kubectl prints the GroupKind: "Service", "CronJob.batch".
  std::string api_version = string_at(object, {"apiVersion"});
  auto slash = api_version.find('/');
  std::string group_kind = slash == std::string::npos ? kind : kind + "." + api_version.substr(0, slash);
  return failed(Error::invalid("no status viewer has been implemented for " + group_kind));
}

RolloutStatus deployment_rollout_status(const nlohmann::json& deployment) {
  const std::string name = go_quote(fields::name_of(deployment));
  if (int_at(deployment, {"metadata", "generation"}) > int_at(deployment, {"status", "observedGeneration"}))
    return waiting("Waiting for deployment spec update to be observed...");

  if (progressing_reason(deployment) == kProgressDeadlineExceeded)
    return failed(Error::make(ErrorCode::kUnavailable, "deployment " + name + " exceeded its progress deadline"));

  const std::optional<int64_t> desired = optional_int_at(deployment, {"spec", "replicas"});
  const int64_t replicas = int_at(deployment, {"status", "replicas"});
  const int64_t updated = int_at(deployment, {"status", "updatedReplicas"});
  const int64_t available = int_at(deployment, {"status", "availableReplicas"});
  const std::string prefix = "Waiting for deployment " + name + " rollout to finish: ";
  if (desired && updated < *desired)
    return waiting(prefix + std::to_string(updated) + " out of " + std::to_string(*desired) +
                   " new replicas have been updated...");
  if (replicas > updated)
    return waiting(prefix + std::to_string(replicas - updated) + " old replicas are pending termination...");
  if (available < updated)
    return waiting(prefix + std::to_string(available) + " of " + std::to_string(updated) +
                   " updated replicas are available...");
  return finished("deployment " + name + " successfully rolled out");
}

RolloutStatus statefulset_rollout_status(const nlohmann::json& statefulset) {
  if (update_strategy(statefulset) != kRollingUpdate) return failed(only_rolling_update());

  const int64_t observed = int_at(statefulset, {"status", "observedGeneration"});
  if (observed == 0 || int_at(statefulset, {"metadata", "generation"}) > observed)
    return waiting("Waiting for statefulset spec update to be observed...");

  const std::optional<int64_t> desired = optional_int_at(statefulset, {"spec", "replicas"});
  const int64_t ready = int_at(statefulset, {"status", "readyReplicas"});
  if (desired && ready < *desired)
    return waiting("Waiting for " + std::to_string(*desired - ready) + " pods to be ready...");

  const int64_t updated = int_at(statefulset, {"status", "updatedReplicas"});
  // kubectl takes this branch whenever spec.updateStrategy.rollingUpdate is
  // present, which the API server defaults to {partition: 0}; without a
  // partition it reports the partitioned roll out as complete.
  const nlohmann::json* rolling_update = fields::find(statefulset, {"spec", "updateStrategy", "rollingUpdate"});
  if (rolling_update != nullptr && rolling_update->is_object()) {
    const std::optional<int64_t> partition = optional_int_at(*rolling_update, {"partition"});
    if (desired && partition && updated < *desired - *partition)
      return waiting("Waiting for partitioned roll out to finish: " + std::to_string(updated) + " out of " +
                     std::to_string(*desired - *partition) + " new pods have been updated...");
    return finished("partitioned roll out complete: " + std::to_string(updated) + " new pods have been updated...");
  }

  const std::string update_revision = string_at(statefulset, {"status", "updateRevision"});
  const std::string current_revision = string_at(statefulset, {"status", "currentRevision"});
  if (update_revision != current_revision)
    return waiting("waiting for statefulset rolling update to complete " + std::to_string(updated) +
                   " pods at revision " + update_revision + "...");
  return finished("statefulset rolling update complete " +
                  std::to_string(int_at(statefulset, {"status", "currentReplicas"})) + " pods at revision " +
                  current_revision + "...");
}

RolloutStatus daemonset_rollout_status(const nlohmann::json& daemonset) {
  if (update_strategy(daemonset) != kRollingUpdate) return failed(only_rolling_update());

  const std::string name = go_quote(fields::name_of(daemonset));
  if (int_at(daemonset, {"metadata", "generation"}) > int_at(daemonset, {"status", "observedGeneration"}))
    return waiting("Waiting for daemon set spec update to be observed...");

  const int64_t desired = int_at(daemonset, {"status", "desiredNumberScheduled"});
  const int64_t updated = int_at(daemonset, {"status", "updatedNumberScheduled"});
  const int64_t available = int_at(daemonset, {"status", "numberAvailable"});
  const std::string prefix = "Waiting for daemon set " + name + " rollout to finish: ";
  if (updated < desired)
    return waiting(prefix + std::to_string(updated) + " out of " + std::to_string(desired) +
                   " new pods have been updated...");
  if (available < desired)
    return waiting(prefix + std::to_string(available) + " of " + std::to_string(desired) +
                   " updated pods are available...");
  return finished("daemon set " + name + " successfully rolled out");
}

}  // namespace pier::kube
