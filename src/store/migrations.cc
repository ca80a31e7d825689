#include "store/migrations.h"

#include <chrono>

namespace pier::store {

namespace {

// Any number both backends' advisory locks accept; 'pier' in ASCII.
constexpr std::int64_t kMigrationLock = 0x70696572;

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_ms BIGINT NOT NULL)";

Result<int> current_version(sql::Session& session) {
  auto rows = session.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!rows) return fail(rows.error());
  return static_cast<int>(rows->at(0).integer(0));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::vector<Migration>> pending_migrations(std::span<const Migration> known, int current) {
  const int latest = known.empty() ? 0 : known.back().version;
  if (current > latest)
    return fail(Error::invalid("database schema is at version " + std::to_string(current) +
                               ", newer than this Pier knows (" + std::to_string(latest) +
                               "): it was used by a newer Pier; run that version, or point this one at another database"));
  std::vector<Migration> pending;
  for (const auto& migration : known)
    if (migration.version > current) pending.push_back(migration);
  return pending;
}

Result<std::vector<int>> apply_migrations(sql::Database& db, std::span<const Migration> known) {
  // The version table itself is made under the lock: two PostgreSQL sessions
  // running CREATE TABLE IF NOT EXISTS at once can still collide.
  auto todo = sql::transact<std::vector<Migration>>(db, sql::Access::kWrite, [&](sql::Session& s) -> Result<std::vector<Migration>> {
    if (auto locked = s.advisory_lock(kMigrationLock); !locked) return fail(locked.error());
    if (auto made = s.execute_script(kCreateVersionTable); !made) return fail(made.error());
    auto version = current_version(s);
    if (!version) return fail(version.error());
    return pending_migrations(known, *version);
  });
  if (!todo) return fail(todo.error());

  std::vector<int> applied;
  for (const auto& migration : *todo) {
    auto ran = sql::transact<bool>(db, sql::Access::kWrite, [&](sql::Session& s) -> Result<bool> {
      if (auto locked = s.advisory_lock(kMigrationLock); !locked) return fail(locked.error());
      auto version = current_version(s);
      if (!version) return fail(version.error());
      if (*version >= migration.version) return false;  // another replica got there first
      if (auto done = s.execute_script(migration.sql); !done)
        return fail(Error::make(done.error().code,
                                "migration " + std::to_string(migration.version) + " (" + std::string(migration.name) +
                                    "): " + done.error().message,
                                done.error().retry));
      auto recorded = s.execute("INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
                                {std::int64_t(migration.version), migration.name, now_ms()});
      if (!recorded) return fail(recorded.error());
      return true;
    });
    if (!ran) return fail(ran.error());
    if (*ran) applied.push_back(migration.version);
  }
  return applied;
}

}  // namespace pier::store
