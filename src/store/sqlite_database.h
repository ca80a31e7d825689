// The SQLite backend of the store's SQL layer (sql.h), on Debian's libsqlite3.
//
//   auto db = open_sqlite_database("/var/lib/pier/pier.db", {.max_connections = 8});
//
// One database file in WAL mode: readers never wait for the writer, writers
// take turns (BEGIN IMMEDIATE, waiting up to busy_timeout, then kUnavailable
// with Retry::kYes). Foreign keys on; synchronous=NORMAL, which in WAL mode
// loses no committed transaction when Pier is killed (only, at worst, the last
// ones on a power cut). A small pool of connections, each with its prepared
// statements cached.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "common/error.h"
#include "store/sql.h"

namespace pier::store {

struct SqliteOptions {
  int max_connections = 8;
  std::chrono::milliseconds busy_timeout{5'000};
};

// Creates the file (not its directory) when missing. kIo when it cannot be
// opened, kInvalidInput when it is not an SQLite database.
Result<std::unique_ptr<sql::Database>> open_sqlite_database(const std::filesystem::path& path,
                                                            const SqliteOptions& options);

}  // namespace pier::store
