// SqlStore's steps shared by several areas: the clock, the release row and
// its lock, the summary copy of the latest revision, loading operations.
#include "store/sql_store.h"

#include "store/sql_store_rows.h"

namespace pier::store {

SqlStore::SqlStore(std::unique_ptr<sql::Database> db, const StoreOptions& options)
    : db_(std::move(db)),
      clock_(options.clock ? *options.clock : SystemClock::instance()),
      event_poll_interval_(options.event_poll_interval) {}

std::int64_t SqlStore::now_ms() const { return rows::to_ms(clock_.wall_now()); }

std::string_view SqlStore::for_update() const { return db_->backend() == Backend::kPostgres ? " FOR UPDATE" : ""; }

Result<std::optional<SqlStore::ReleaseRow>> SqlStore::find_release(sql::Session& s, const ReleaseKey& key) const {
  std::string text = "SELECT id, active_operation_id FROM releases WHERE cluster = $1 AND namespace_name = $2 AND name = $3";
  text += for_update();
  auto found = s.query(text, {key.cluster, key.namespace_name, key.name});
  if (!found) return fail(found.error());
  if (found->empty()) return std::optional<ReleaseRow>();
  return std::optional<ReleaseRow>(ReleaseRow{found->front().integer(0), found->front().optional_integer(1)});
}

Result<SqlStore::ReleaseRow> SqlStore::ensure_release(sql::Session& s, const ReleaseKey& key) const {
  // Looked up first: the release usually exists, and an INSERT that does
  // nothing still costs PostgreSQL a sequence number.
  auto existing = find_release(s, key);
  if (!existing) return fail(existing.error());
  if (*existing) return **existing;
  // Two writers creating the same release: PostgreSQL makes the second wait
  // for the first's commit and then do nothing.
  auto inserted = s.execute(
      "INSERT INTO releases (cluster, namespace_name, name) VALUES ($1, $2, $3) "
      "ON CONFLICT (cluster, namespace_name, name) DO NOTHING",
      {key.cluster, key.namespace_name, key.name});
  if (!inserted) return fail(inserted.error());
  auto found = find_release(s, key);
  if (!found) return fail(found.error());
  if (!*found) return fail(Error::internal("release " + key.to_string() + ": missing right after it was created"));
  return **found;
}

Result<SqlStore::ReleaseRow> SqlStore::lock_release(sql::Session& s, std::int64_t release_id) const {
  std::string text = "SELECT id, active_operation_id FROM releases WHERE id = $1";
  text += for_update();
  auto found = s.query(text, {release_id});
  if (!found) return fail(found.error());
  if (found->empty()) return fail(Error::not_found("release " + std::to_string(release_id) + " not found"));
  return ReleaseRow{found->front().integer(0), found->front().optional_integer(1)};
}

Result<void> SqlStore::refresh_summary(sql::Session& s, std::int64_t release_id) const {
  auto updated = s.execute(
      "UPDATE releases SET "
      "(app, app_version, status, user_name, created_ms, finished_ms, message, status_detail, operation_id) = "
      "(SELECT app, app_version, status, user_name, created_ms, finished_ms, message, status_detail, operation_id "
      "FROM revisions WHERE release_id = releases.id AND revision = releases.latest_revision), "
      "deployed_revision = COALESCE((SELECT MAX(revision) FROM revisions "
      "WHERE release_id = releases.id AND status = 'deployed'), 0) "
      "WHERE id = $1 AND latest_revision > 0",
      {release_id});
  if (!updated) return fail(updated.error());
  return {};
}

Result<Operation> SqlStore::load_operation(sql::Session& s, OperationId id) const {
  auto found = s.query("SELECT r.cluster, r.namespace_name, r.name, " + std::string(rows::kOperationColumns) +
                           " FROM operations o JOIN releases r ON r.id = o.release_id WHERE o.id = $1",
                       {id.value});
  if (!found) return fail(found.error());
  if (found->empty()) return fail(Error::not_found("operation " + std::to_string(id.value) + " not found"));
  const auto& row = found->front();
  return rows::read_operation(row, 3, ReleaseKey{row.text(0), row.text(1), row.text(2)});
}

Result<std::int64_t> SqlStore::release_id_of_operation(sql::Session& s, OperationId id) const {
  auto found = s.query("SELECT release_id FROM operations WHERE id = $1", {id.value});
  if (!found) return fail(found.error());
  if (found->empty()) return fail(Error::not_found("operation " + std::to_string(id.value) + " not found"));
  return found->front().integer(0);
}

}  // namespace pier::store
