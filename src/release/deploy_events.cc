#include "release/deploy_events.h"

#include <array>
#include <utility>

namespace pier::release {

namespace {

using nlohmann::json;

constexpr std::array<std::pair<DeployEventType, std::string_view>, 10> kNames = {{
    {DeployEventType::kValidated, "validated"},
    {DeployEventType::kRendered, "rendered"},
    {DeployEventType::kDiffed, "diffed"},
    {DeployEventType::kApplied, "applied"},
    {DeployEventType::kRemoved, "removed"},
    {DeployEventType::kRollout, "rollout"},
    {DeployEventType::kPodProblem, "pod_problem"},
    {DeployEventType::kDone, "done"},
    {DeployEventType::kFailed, "failed"},
    {DeployEventType::kInterrupted, "interrupted"},
}};

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kDenied: return "denied";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

DeployEvent make(DeployEventType type, std::string message, json fields = json::object()) {
  return {type, std::move(message), std::move(fields)};
}

DeployEvent step_event(DeployEventType type, std::string_view verb, size_t index, size_t count,
                       const ObjectKey& object) {
  return make(type, std::string(verb) + " " + std::to_string(index) + "/" + std::to_string(count) + ": " + object.display(),
              {{"index", index}, {"count", count}, {"object", object_key_json(object)}});
}

}  // namespace

std::string_view to_string(DeployEventType type) {
  for (const auto& [t, name] : kNames)
    if (t == type) return name;
  return "validated";
}

std::optional<DeployEventType> parse_deploy_event_type(std::string_view text) {
  for (const auto& [t, name] : kNames)
    if (name == text) return t;
  return std::nullopt;
}

bool DeployEvent::is_final() const {
  return type == DeployEventType::kDone || type == DeployEventType::kFailed || type == DeployEventType::kInterrupted;
}

json DeployEvent::to_json() const {
  json out = fields.is_object() ? fields : json::object();
  out["type"] = std::string(to_string(type));
  out["message"] = message;
  return out;
}

Result<DeployEvent> DeployEvent::from_json(const json& value) {
  if (!value.is_object()) return fail(Error::invalid("deploy event: expected an object"));
  auto type = value.find("type");
  auto message = value.find("message");
  if (type == value.end() || !type->is_string() || message == value.end() || !message->is_string())
    return fail(Error::invalid("deploy event: expected string fields type and message"));
  auto parsed = parse_deploy_event_type(type->get<std::string>());
  if (!parsed) return fail(Error::invalid("deploy event: unknown type \"" + type->get<std::string>() + "\""));
  DeployEvent event{*parsed, message->get<std::string>(), value};
  event.fields.erase("type");
  event.fields.erase("message");
  return event;
}

json object_key_json(const ObjectKey& key) {
  return {{"group", key.group}, {"kind", key.kind}, {"namespace", key.namespace_name}, {"name", key.name}};
}

DeployEvent validated_event() { return make(DeployEventType::kValidated, "values are valid"); }

DeployEvent rendered_event(size_t object_count) {
  return make(DeployEventType::kRendered, "rendered " + plural(object_count, "object"), {{"count", object_count}});
}

DeployEvent diffed_event(const DiffCounts& counts) {
  return make(DeployEventType::kDiffed,
              "diff: " + std::to_string(counts.added) + " added, " + std::to_string(counts.changed) + " changed, " +
                  std::to_string(counts.removed) + " removed, " + std::to_string(counts.unchanged) + " unchanged",
              {{"added", counts.added}, {"changed", counts.changed}, {"removed", counts.removed},
               {"unchanged", counts.unchanged}});
}

DeployEvent applied_event(size_t index, size_t count, const ObjectKey& object) {
  return step_event(DeployEventType::kApplied, "applied", index, count, object);
}

DeployEvent removed_event(size_t index, size_t count, const ObjectKey& object) {
  return step_event(DeployEventType::kRemoved, "removed", index, count, object);
}

DeployEvent rollout_event(const ObjectKey& workload, std::string line) {
  return make(DeployEventType::kRollout, std::move(line), {{"object", object_key_json(workload)}});
}

DeployEvent pod_problem_event(const ObjectKey& workload, const PodProblemReport& problem) {
  return make(DeployEventType::kPodProblem, problem.description,
              {{"object", object_key_json(workload)},
               {"pod", problem.pod},
               {"container", problem.container},
               {"reason", problem.reason},
               {"detail", problem.detail}});
}

DeployEvent done_event(std::string summary, bool dry_run) {
  return make(DeployEventType::kDone, std::move(summary), {{"dry_run", dry_run}});
}

DeployEvent failed_event(const Error& error) {
  json details = json::array();
  for (const auto& d : error.details) details.push_back({{"location", d.location}, {"message", d.message}});
  return make(DeployEventType::kFailed, "failed: " + error.message,
              {{"code", std::string(error_code_name(error.code))}, {"details", std::move(details)}});
}

DeployEvent interrupted_event(std::string where) {
  return make(DeployEventType::kInterrupted, "interrupted " + where);
}

}  // namespace pier::release
