// Is a workload's rollout finished? The rules and the words of
// `kubectl rollout status` (kubectl/pkg/polymorphichelpers/rollout_status.go),
// as pure functions of the object read from the cluster.
//
//   RolloutStatus s = rollout_status(deployment_json);
//   if (s.error) return fail(*s.error);           // progress deadline, OnDelete
//   if (s.done) print(s.message);                 // deployment "web" successfully rolled out
//   else print(s.message);                        // Waiting for deployment "web" rollout to finish: ...
//
// Messages are kubectl's, without its trailing newline.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::kube {

struct RolloutStatus {
  bool done = false;           // never true when error is set
  std::string message;         // empty when error is set
  std::optional<Error> error;  // the rollout cannot finish (kUnavailable) or be followed (kInvalidInput)
};

// Deployment, StatefulSet or DaemonSet, by the object's kind. Other kinds:
// an error of code kInvalidInput, as kubectl has no status viewer for them.
RolloutStatus rollout_status(const nlohmann::json& object);

// Whether rollout_status understands this kind.
bool has_rollout_status(std::string_view kind);

// A Progressing condition with reason ProgressDeadlineExceeded is an error of
// code kUnavailable (Retry::kNo): the controller has given up waiting.
RolloutStatus deployment_rollout_status(const nlohmann::json& deployment);
// OnDelete update strategy: an error of code kInvalidInput.
RolloutStatus statefulset_rollout_status(const nlohmann::json& statefulset);
RolloutStatus daemonset_rollout_status(const nlohmann::json& daemonset);

}  // namespace pier::kube
