// The PostgreSQL backend of the store's SQL layer (sql.h), on libpq's C API.
//
//   auto db = open_postgres_database("postgres://pier:secret@db:5432/pier", {.max_connections = 8});
//
// A small pool of connections, each with its statements prepared once;
// parameters travel separately from the SQL text (never spliced into it).
// Transactions are READ COMMITTED; the store locks the rows it decides on
// (SELECT ... FOR UPDATE) and makes its lease takeovers conditional updates.
//
// When the server goes away (restart, failover, network), the work in flight
// fails with kUnavailable and Retry::kYes, the pool's idle connections are
// dropped, and later work connects afresh: nothing needs restarting. A unit of
// work whose pooled connection turns out dead before it changed anything (a
// read, or a write whose BEGIN failed) is run once more on a new connection,
// so the first request after a restart does not fail needlessly. Errors name
// the host, port and database, never the password.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/error.h"
#include "store/sql.h"

namespace pier::store {

struct PostgresOptions {
  int max_connections = 8;
  std::chrono::milliseconds connect_timeout{5'000};  // unless the URL sets connect_timeout
};

// Connects once to check the URL and the server. kInvalidInput for a URL
// libpq cannot parse; kUnavailable (Retry::kYes) when the server cannot be reached.
Result<std::unique_ptr<sql::Database>> open_postgres_database(const std::string& url, const PostgresOptions& options);

// "PostgreSQL at HOST:PORT/DATABASE" for messages: the URL without user or password.
std::string describe_postgres_url(const std::string& url);

}  // namespace pier::store
