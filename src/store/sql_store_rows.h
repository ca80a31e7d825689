// How SqlStore's records map to rows: the column lists its queries select
// and the readers that turn those rows back into values. Internal to the
// store's SQL implementation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/model.h"
#include "store/sql.h"

namespace pier::store::rows {

// Unix milliseconds, as the schema keeps times.
std::int64_t to_ms(Timestamp at);
Timestamp from_ms(std::int64_t ms);

// JSON as stored text. kInvalidInput when a string in `value` is not UTF-8.
Result<std::string> json_text(const nlohmann::json& value, std::string_view what);
// kInternal when the stored text is not JSON (someone edited the database).
Result<nlohmann::json> parse_json(const std::string& text, std::string_view what);

// From `revisions v JOIN releases r`: the 13 columns of a RevisionInfo; the
// release summary (releases r alone) has the same 13 first columns.
inline constexpr std::string_view kRevisionInfoColumns =
    "r.cluster, r.namespace_name, r.name, v.revision, v.app, v.app_version, v.status, v.user_name, "
    "v.created_ms, v.finished_ms, v.message, v.status_detail, v.operation_id";
inline constexpr size_t kRevisionInfoWidth = 13;
// Then content: values and manifests.
inline constexpr std::string_view kRevisionContentColumns = "v.values_json, v.manifests";

RevisionInfo read_revision_info(const sql::Row& row, size_t first = 0);

// From `operations o`: the 10 columns of an Operation (its key comes from the release).
inline constexpr std::string_view kOperationColumns =
    "o.id, o.kind, o.user_name, o.holder, o.status, o.started_ms, o.lease_expires_ms, o.finished_ms, o.message, "
    "o.last_event_seq";
inline constexpr size_t kOperationWidth = 10;

Operation read_operation(const sql::Row& row, size_t first, const ReleaseKey& key);

// A release summary: the latest revision as in the releases row, the deployed
// revision, and the active operation (NULLs from the LEFT JOIN when none).
inline constexpr std::string_view kSummaryFrom =
    "SELECT r.cluster, r.namespace_name, r.name, r.latest_revision, r.app, r.app_version, r.status, r.user_name, "
    "r.created_ms, r.finished_ms, r.message, r.status_detail, r.operation_id, r.deployed_revision, "
    "o.id, o.kind, o.user_name, o.holder, o.status, o.started_ms, o.lease_expires_ms, o.finished_ms, o.message, "
    "o.last_event_seq "
    "FROM releases r LEFT JOIN operations o ON o.id = r.active_operation_id";

ReleaseSummary read_summary(const sql::Row& row);

}  // namespace pier::store::rows
