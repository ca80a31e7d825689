#include "store/sql_store_rows.h"

namespace pier::store::rows {

std::int64_t to_ms(Timestamp at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

Timestamp from_ms(std::int64_t ms) {
  return Timestamp(std::chrono::duration_cast<Timestamp::duration>(std::chrono::milliseconds(ms)));
}

Result<std::string> json_text(const nlohmann::json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const nlohmann::json::exception&) {
    return fail(Error::invalid(std::string(what) + ": holds a string that is not valid UTF-8"));
  }
}

Result<nlohmann::json> parse_json(const std::string& text, std::string_view what) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return fail(Error::internal(std::string(what) + ": the stored JSON does not parse"));
  return value;
}

RevisionInfo read_revision_info(const sql::Row& row, size_t first) {
  RevisionInfo info;
  info.key = {row.text(first), row.text(first + 1), row.text(first + 2)};
  info.revision = static_cast<int>(row.integer(first + 3));
  info.app = row.text(first + 4);
  info.app_version = row.text(first + 5);
  info.status = parse_revision_status(row.text(first + 6)).value_or(RevisionStatus::kFailed);
  info.user = row.text(first + 7);
  info.created_at = from_ms(row.integer(first + 8));
  if (auto finished = row.optional_integer(first + 9)) info.finished_at = from_ms(*finished);
  info.message = row.text(first + 10);
  info.status_detail = row.text(first + 11);
  if (auto operation = row.optional_integer(first + 12)) info.operation = OperationId{*operation};
  return info;
}

Operation read_operation(const sql::Row& row, size_t first, const ReleaseKey& key) {
  Operation op;
  op.id = OperationId{row.integer(first)};
  op.key = key;
  op.kind = row.text(first + 1);
  op.user = row.text(first + 2);
  op.holder = row.text(first + 3);
  op.status = parse_operation_status(row.text(first + 4)).value_or(OperationStatus::kInterrupted);
  op.started_at = from_ms(row.integer(first + 5));
  op.lease_expires_at = from_ms(row.integer(first + 6));
  if (auto finished = row.optional_integer(first + 7)) op.finished_at = from_ms(*finished);
  op.message = row.text(first + 8);
  op.last_event_seq = row.integer(first + 9);
  return op;
}

ReleaseSummary read_summary(const sql::Row& row) {
  ReleaseSummary summary;
  summary.latest = read_revision_info(row, 0);
  summary.deployed_revision = static_cast<int>(row.integer(kRevisionInfoWidth));
  constexpr size_t kOperationStart = kRevisionInfoWidth + 1;
  if (!row.is_null(kOperationStart)) summary.active_operation = read_operation(row, kOperationStart, summary.latest.key);
  return summary;
}

}  // namespace pier::store::rows
