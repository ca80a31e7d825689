// Operations: one per release at a time, across processes, kept by a lease.
//
// The release row is the lock: `active_operation_id` names the running
// operation. Deciding on it happens with the row locked (PostgreSQL: SELECT
// ... FOR UPDATE; SQLite: the write transaction). A lapsed holder is ended
// with a conditional UPDATE (`... AND lease_expires_ms <= now`), so a
// heartbeat that commits first wins and the takeover becomes a conflict.
// Lock order is always the release row, then the operation row.
#include "store/operation_lease.h"
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

std::string operation_name(OperationId id) { return "operation " + std::to_string(id.value); }

// What becomes of the revisions an operation left pending when it ends.
RevisionStatus pending_revisions_become(OperationStatus ended) {
  return ended == OperationStatus::kFailed ? RevisionStatus::kFailed : RevisionStatus::kInterrupted;
}

Error not_running(const Operation& op) {
  std::string why = op.message.empty() ? "" : ": " + op.message;
  return Error::make(ErrorCode::kConflict,
                     operation_name(op.id) + " on release " + op.key.to_string() + " is no longer running (" +
                         std::string(to_string(op.status)) + why + ")");
}

}  // namespace

Result<bool> SqlStore::end_operation(sql::Session& s, const Operation& op, std::int64_t release_id,
                                     OperationStatus status, std::string_view message, std::int64_t now,
                                     bool only_if_lapsed) const {
  std::string text =
      "UPDATE operations SET status = $1, message = $2, finished_ms = $3 WHERE id = $4 AND status = 'running'";
  if (only_if_lapsed) text += " AND lease_expires_ms <= $3";
  auto ended = s.execute(text, {to_string(status), message, now, op.id.value});
  if (!ended) return fail(ended.error());
  if (*ended == 0) return false;

  std::string detail(message);
  if (status == OperationStatus::kSucceeded) detail = "its operation ended without recording this revision's outcome";
  auto settled = s.execute(
      "UPDATE revisions SET status = $1, status_detail = $2, finished_ms = $3 WHERE operation_id = $4 AND status = 'pending'",
      {to_string(pending_revisions_become(status)), detail, now, op.id.value});
  if (!settled) return fail(settled.error());
  auto freed = s.execute("UPDATE releases SET active_operation_id = NULL WHERE id = $1 AND active_operation_id = $2",
                         {release_id, op.id.value});
  if (!freed) return fail(freed.error());
  if (auto refreshed = refresh_summary(s, release_id); !refreshed) return fail(refreshed.error());
  return true;
}

Result<Operation> SqlStore::begin_operation(const NewOperation& in) {
  if (auto valid = validate(in.key); !valid) return fail(valid.error());
  if (in.kind.empty() || in.holder.empty())
    return fail(Error::invalid("operation on release " + in.key.to_string() + ": kind and holder are required"));
  if (in.lease_ttl <= std::chrono::milliseconds::zero())
    return fail(Error::invalid("operation on release " + in.key.to_string() + ": the lease TTL must be positive"));
  const std::int64_t now = now_ms();
  const std::int64_t expires = now + in.lease_ttl.count();

  return sql::transact<Operation>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<Operation> {
    auto release = ensure_release(s, in.key);
    if (!release) return fail(release.error());
    if (release->active_operation_id) {
      auto current = load_operation(s, OperationId{*release->active_operation_id});
      if (!current) return fail(current.error());
      switch (lease_state(*current, rows::from_ms(now))) {
        case LeaseState::kHeld:
          return fail(release_busy_error(*current));
        case LeaseState::kLapsed: {
          auto taken = end_operation(s, *current, release->id, OperationStatus::kInterrupted,
                                     lapsed_lease_message(*current, rows::from_ms(now)), now, true);
          if (!taken) return fail(taken.error());
          if (!*taken) {  // renewed under our feet
            auto renewed = load_operation(s, current->id);
            if (!renewed) return fail(renewed.error());
            return fail(release_busy_error(*renewed));
          }
          break;
        }
        case LeaseState::kFree:
          break;
      }
    }
    auto inserted = s.query(
        "INSERT INTO operations (release_id, kind, user_name, holder, status, started_ms, lease_ttl_ms, lease_expires_ms) "
        "VALUES ($1, $2, $3, $4, 'running', $5, $6, $7) RETURNING id",
        {release->id, in.kind, in.user, in.holder, now, std::int64_t(in.lease_ttl.count()), expires});
    if (!inserted) return fail(inserted.error());
    const std::int64_t id = inserted->at(0).integer(0);
    auto taken = s.execute("UPDATE releases SET active_operation_id = $1 WHERE id = $2", {id, release->id});
    if (!taken) return fail(taken.error());

    Operation op;
    op.id = OperationId{id};
    op.key = in.key;
    op.kind = in.kind;
    op.user = in.user;
    op.holder = in.holder;
    op.status = OperationStatus::kRunning;
    op.started_at = rows::from_ms(now);
    op.lease_expires_at = rows::from_ms(expires);
    return op;
  });
}

Result<Operation> SqlStore::heartbeat(OperationId id) {
  const std::int64_t now = now_ms();
  return sql::transact<Operation>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<Operation> {
    auto renewed = s.execute(
        "UPDATE operations SET lease_expires_ms = $1 + lease_ttl_ms WHERE id = $2 AND status = 'running'",
        {now, id.value});
    if (!renewed) return fail(renewed.error());
    auto op = load_operation(s, id);
    if (!op) return fail(op.error());
    if (*renewed == 0) return fail(not_running(*op));
    return op;
  });
}

Result<Operation> SqlStore::finish_operation(OperationId id, OperationStatus status, std::string_view message) {
  if (status == OperationStatus::kRunning)
    return fail(Error::invalid(operation_name(id) + ": finishing needs succeeded, failed or interrupted"));
  const std::int64_t now = now_ms();
  auto finished = sql::transact<Operation>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<Operation> {
    auto release_id = release_id_of_operation(s, id);
    if (!release_id) return fail(release_id.error());
    if (auto locked = lock_release(s, *release_id); !locked) return fail(locked.error());
    auto op = load_operation(s, id);
    if (!op) return fail(op.error());
    auto ended = end_operation(s, *op, *release_id, status, message, now, false);
    if (!ended) return fail(ended.error());
    if (!*ended) return fail(not_running(*op));
    return load_operation(s, id);
  });
  if (finished) notifier_.notify();  // its followers stop waiting for more events
  return finished;
}

Result<Operation> SqlStore::get_operation(OperationId id) {
  return sql::transact<Operation>(*db_, Access::kRead, [&](sql::Session& s) { return load_operation(s, id); });
}

Result<int> SqlStore::reap_expired() {
  const std::int64_t now = now_ms();
  using Lapsed = std::vector<std::pair<OperationId, std::int64_t>>;
  auto lapsed = sql::transact<Lapsed>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Lapsed> {
    auto found = s.query(
        "SELECT id, release_id FROM operations WHERE status = 'running' AND lease_expires_ms <= $1 ORDER BY id", {now});
    if (!found) return fail(found.error());
    Lapsed out;
    for (const auto& row : *found) out.emplace_back(OperationId{row.integer(0)}, row.integer(1));
    return out;
  });
  if (!lapsed) return fail(lapsed.error());

  // One transaction per operation: one that fails (or was renewed meanwhile)
  // does not hold back the others.
  int reaped = 0;
  for (const auto& [id, release_id] : *lapsed) {
    auto ended = sql::transact<bool>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<bool> {
      if (auto locked = lock_release(s, release_id); !locked) return fail(locked.error());
      auto op = load_operation(s, id);
      if (!op) return fail(op.error());
      return end_operation(s, *op, release_id, OperationStatus::kInterrupted,
                           lapsed_lease_message(*op, rows::from_ms(now)), now, true);
    });
    if (!ended) return fail(ended.error());
    if (*ended) ++reaped;
  }
  if (reaped > 0) notifier_.notify();
  return reaped;
}

}  // namespace pier::store
