// The console API's JSON shapes (docs/api/openapi.yaml) for the store's
// records: what every route answers, in one place so that the web UI and
// `pier releases` read the same fields everywhere.
//
//   Response::json(200, revision_json(info));
//   // {"cluster":"prod-bj","namespace":"shop","name":"web","revision":3,"app":"jetty",
//   //  "app_version":"1.4.0","status":"deployed","user":"alice","created_at":"2026-11-29T14:05:01.123Z",
//   //  "finished_at":"2026-11-29T14:05:09.870Z","message":"","status_detail":"","operation":"42"}
//
// Ids are strings (a JavaScript number loses 64-bit integers); times are
// RFC 3339 in UTC with milliseconds.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/model.h"

namespace pier::console {

std::string format_time(store::Timestamp at);
nlohmann::json optional_time(const std::optional<store::Timestamp>& at);

nlohmann::json release_key_json(const store::ReleaseKey& key);
nlohmann::json revision_json(const store::RevisionInfo& revision);
// The latest revision's fields, the deployed revision (0: none) and the
// running operation (null: none).
nlohmann::json release_summary_json(const store::ReleaseSummary& summary);
nlohmann::json operation_json(const store::Operation& operation);
// {"seq", "time", then the stored event's own fields: "type", "message", ...}.
nlohmann::json event_json(const store::Event& event);
nlohmann::json token_json(const store::TokenInfo& token, const std::optional<store::User>& user);
nlohmann::json audit_json(const store::AuditEntry& entry);
// A saved preset; its values must already be masked.
nlohmann::json preset_json(const store::Preset& preset, const nlohmann::json& shown_values);

}  // namespace pier::console
