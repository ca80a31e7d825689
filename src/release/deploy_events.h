// What a deploy reports while it runs, in order: validated, rendered (N
// objects), diffed (counts), applied k/N, removed k/M, rollout progress
// (kubectl's lines), pod problems, and exactly one of done, failed or
// interrupted at the end. Each event is a type, a message for people and a
// few fields for programs; as JSON it is what the console streams (SSE) and
// stores, so a client that connects later sees the same story.
//
//   emit(applied_event(3, 6, key));
//   applied_event(3, 6, key).to_json();
//   // {"type":"applied","message":"applied 3/6: Deployment shop/web","index":3,"count":6,
//   //  "object":{"group":"apps","kind":"Deployment","namespace":"shop","name":"web"}}
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "release/manifest_set.h"
#include "release/object_diff.h"

namespace pier::release {

enum class DeployEventType {
  kValidated,    // the values passed the schema (defaults resolved)
  kRendered,     // templates rendered and objects checked: "count"
  kDiffed,       // compared with the target: "added", "changed", "removed", "unchanged"
  kApplied,      // one object applied: "index" (from 1), "count", "object"
  kRemoved,      // one object of the previous revision deleted: "index", "count", "object"
  kRollout,      // a workload's rollout progress line: "object", message is kubectl's line
  kPodProblem,   // a new pod that cannot come up: "object", "pod", "container", "reason", "detail"
  kDone,         // the deploy succeeded (or a dry run ended after the diff): "dry_run"
  kFailed,       // the deploy stopped on an error: "code", "details"
  kInterrupted,  // stopped on request before the end
};

std::string_view to_string(DeployEventType type);
std::optional<DeployEventType> parse_deploy_event_type(std::string_view text);

struct DeployEvent {
  DeployEventType type = DeployEventType::kValidated;
  std::string message;
  nlohmann::json fields = nlohmann::json::object();  // type-specific, see DeployEventType

  // True for done, failed and interrupted: the last event of a deploy.
  bool is_final() const;

  // {"type": ..., "message": ..., <fields>}.
  nlohmann::json to_json() const;
  // Reads what to_json() wrote (the store's copy). kInvalidInput when the
  // type or message is missing or unknown.
  static Result<DeployEvent> from_json(const nlohmann::json& value);
};

using EventSink = std::function<void(const DeployEvent&)>;

// A new pod of a rollout that cannot come up, as the target saw it.
struct PodProblemReport {
  std::string pod;
  std::string container;    // empty for a scheduling problem
  std::string reason;       // "CrashLoopBackOff", "ImagePullBackOff", "Unschedulable", ...
  std::string detail;       // the kubelet's or scheduler's message
  std::string description;  // the whole story in one line: "pod P: container C: REASON: MESSAGE (restarted 3 times ...)"
};

DeployEvent validated_event();
DeployEvent rendered_event(size_t object_count);
DeployEvent diffed_event(const DiffCounts& counts);
// index counts from 1: "applied 3/6: Deployment shop/web".
DeployEvent applied_event(size_t index, size_t count, const ObjectKey& object);
DeployEvent removed_event(size_t index, size_t count, const ObjectKey& object);
DeployEvent rollout_event(const ObjectKey& workload, std::string line);
DeployEvent pod_problem_event(const ObjectKey& workload, const PodProblemReport& problem);
DeployEvent done_event(std::string summary, bool dry_run);
// "failed: " + the error's message; its code and details as fields.
DeployEvent failed_event(const Error& error);
DeployEvent interrupted_event(std::string where);

nlohmann::json object_key_json(const ObjectKey& key);

}  // namespace pier::release
