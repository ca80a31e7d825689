// Progress events of operations: numbered per operation, stored, and waited for.
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

constexpr int kEventsPerRead = 1000;

}  // namespace

Result<std::int64_t> SqlStore::append_event(OperationId id, const nlohmann::json& event) {
  auto text = rows::json_text(event, "event of operation " + std::to_string(id.value));
  if (!text) return fail(text.error());
  const std::int64_t now = now_ms();
  auto seq = sql::transact<std::int64_t>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<std::int64_t> {
    // The counter's row lock orders concurrent appends to one operation.
    auto numbered = s.query(
        "UPDATE operations SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq", {id.value});
    if (!numbered) return fail(numbered.error());
    if (numbered->empty()) return fail(Error::not_found("operation " + std::to_string(id.value) + " not found"));
    const std::int64_t number = numbered->front().integer(0);
    auto inserted = s.execute("INSERT INTO events (operation_id, seq, created_ms, event_json) VALUES ($1, $2, $3, $4)",
                              {id.value, number, now, *text});
    if (!inserted) return fail(inserted.error());
    return number;
  });
  if (seq) notifier_.notify();
  return seq;
}

Result<std::vector<Event>> SqlStore::events(OperationId id, std::int64_t after_seq) {
  using Events = std::vector<Event>;
  return sql::transact<Events>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Events> {
    auto found = s.query(
        "SELECT seq, created_ms, event_json FROM events WHERE operation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        {id.value, after_seq, std::int64_t(kEventsPerRead)});
    if (!found) return fail(found.error());
    if (found->empty()) {
      auto exists = s.query("SELECT 1 FROM operations WHERE id = $1", {id.value});
      if (!exists) return fail(exists.error());
      if (exists->empty()) return fail(Error::not_found("operation " + std::to_string(id.value) + " not found"));
    }
    Events out;
    out.reserve(found->size());
    for (const auto& row : *found) {
      auto data = rows::parse_json(row.text(2), "event " + row.text(0) + " of operation " + std::to_string(id.value));
      if (!data) return fail(data.error());
      out.push_back(Event{row.integer(0), rows::from_ms(row.integer(1)), std::move(*data)});
    }
    return out;
  });
}

Result<std::vector<Event>> SqlStore::wait_for_events(OperationId id, std::int64_t after_seq,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::uint64_t seen = notifier_.version();
    auto found = events(id, after_seq);
    if (!found || !found->empty()) return found;
    // Rounded up: a wait rounded down to 0 ms would return before the deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) return found;
    if (notifier_.wait_for_change(seen, std::min(left, event_poll_interval_))) {
      // An event or an ended operation in this process: answer now, so that
      // a follower learns at once that there will be no more.
      return events(id, after_seq);
    }
  }
}

}  // namespace pier::store
