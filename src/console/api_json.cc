#include "console/api_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pier::console {

using nlohmann::json;

std::string format_time(store::Timestamp at) {
  auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(at);
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(millis);
  int fraction = static_cast<int>((millis - seconds).count());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds, fraction);
}

json optional_time(const std::optional<store::Timestamp>& at) { return at ? json(format_time(*at)) : json(nullptr); }

json release_key_json(const store::ReleaseKey& key) {
  return {{"cluster", key.cluster}, {"namespace", key.namespace_name}, {"name", key.name}};
}

json revision_json(const store::RevisionInfo& revision) {
  json out = release_key_json(revision.key);
  out["revision"] = revision.revision;
  out["app"] = revision.app;
  out["app_version"] = revision.app_version;
  out["status"] = std::string(store::to_string(revision.status));
  out["user"] = revision.user;
  out["created_at"] = format_time(revision.created_at);
  out["finished_at"] = optional_time(revision.finished_at);
  out["message"] = revision.message;
  out["status_detail"] = revision.status_detail;
  out["operation"] = revision.operation ? json(std::to_string(revision.operation->value)) : json(nullptr);
  return out;
}

json release_summary_json(const store::ReleaseSummary& summary) {
  json out = revision_json(summary.latest);
  out["deployed_revision"] = summary.deployed_revision;
  out["active_operation"] = summary.active_operation ? operation_json(*summary.active_operation) : json(nullptr);
  return out;
}

json operation_json(const store::Operation& operation) {
  json out = {{"id", std::to_string(operation.id.value)}, {"kind", operation.kind}};
  out.update(release_key_json(operation.key));
  out["user"] = operation.user;
  out["holder"] = operation.holder;
  out["status"] = std::string(store::to_string(operation.status));
  out["started_at"] = format_time(operation.started_at);
  out["finished_at"] = optional_time(operation.finished_at);
  out["message"] = operation.message;
  out["last_event"] = operation.last_event_seq;
  return out;
}

json event_json(const store::Event& event) {
  json out = {{"seq", event.seq}, {"time", format_time(event.at)}};
  if (event.data.is_object())
    for (const auto& [key, value] : event.data.items())
      if (key != "seq" && key != "time") out[key] = value;
  return out;
}

json token_json(const store::TokenInfo& token, const std::optional<store::User>& user) {
  json out = {{"id", std::to_string(token.id)},          {"user", token.user},
              {"prefix", token.prefix},                   {"description", token.description},
              {"created_at", format_time(token.created_at)}, {"last_used_at", optional_time(token.last_used_at)},
              {"revoked_at", optional_time(token.revoked_at)}};
  if (user) {
    out["role"] = std::string(store::to_string(user->role));
    out["scopes"] = user->scopes;
  }
  return out;
}

json audit_json(const store::AuditEntry& entry) {
  return {{"id", std::to_string(entry.id)}, {"time", format_time(entry.at)}, {"user", entry.user},
          {"action", entry.action},         {"target", entry.target},       {"details", entry.details}};
}

json preset_json(const store::Preset& preset, const json& shown_values) {
  return {{"name", preset.key.name},
          {"team", preset.key.team},
          {"description", preset.description},
          {"values", shown_values},
          {"bundled", false},
          {"updated_by", preset.updated_by},
          {"updated_at", format_time(preset.updated_at)}};
}

}  // namespace pier::console
