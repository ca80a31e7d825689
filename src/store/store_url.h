// Which database a `--database` value names, before anything is opened.
//
//   auto target = parse_store_url("postgres://pier@db:5432/pier");  // {kPostgres, the URL as given}
//   auto local = parse_store_url("/var/lib/pier/pier.db");           // {kSqlite, "/var/lib/pier/pier.db"}
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::store {

enum class Backend { kSqlite, kPostgres };

struct StoreTarget {
  Backend backend = Backend::kSqlite;
  // SQLite: the database file's path. PostgreSQL: the URL for libpq, unchanged.
  std::string location;
};

// `postgres://` and `postgresql://` URLs go to PostgreSQL; `sqlite://PATH`,
// `sqlite:PATH` and plain paths to SQLite. kInvalidInput for an empty value,
// another scheme (`mysql://...`) or an empty SQLite path. The message shows
// the scheme only, never the URL (it may hold a password).
Result<StoreTarget> parse_store_url(std::string_view url);

}  // namespace pier::store
