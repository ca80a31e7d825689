// Versioned schema migrations: an ordered list per backend, applied at open,
// each in its own transaction, recorded in `schema_migrations`.
//
//   auto applied = apply_migrations(db, sqlite_migrations());  // versions run now, [] when up to date
//
// A database that records a version this Pier does not know was migrated by a
// newer Pier: it is refused (kInvalidInput), never written to. Replicas that
// start together take turns (an advisory lock under PostgreSQL, the write
// lock under SQLite) and each migration checks the version again under it.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/sql.h"

namespace pier::store {

struct Migration {
  int version;            // 1, 2, ... without gaps
  std::string_view name;  // what it does, recorded with it
  std::string_view sql;   // one or more statements
};

// The backends' lists (sqlite_migrations.cc, postgres_migrations.cc).
std::span<const Migration> sqlite_migrations();
std::span<const Migration> postgres_migrations();

// Pure: the migrations to run on a database at `current` version (0: new).
// kInvalidInput when `current` is newer than the last one known.
Result<std::vector<Migration>> pending_migrations(std::span<const Migration> known, int current);

// Brings the database up to the last known version; returns the versions applied.
Result<std::vector<int>> apply_migrations(sql::Database& db, std::span<const Migration> known);

}  // namespace pier::store
