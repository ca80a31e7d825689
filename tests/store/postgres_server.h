// A real, throw-away PostgreSQL server for tests: Debian's `postgresql`
// package binaries, a data directory in a fresh temporary directory (under
// /dev/shm when there is one, else $TMPDIR), TCP on
// 127.0.0.1 with a free port (and its unix socket in the same directory),
// trust authentication for user `pier`, durability off for speed.
//
//   auto server = PostgresServer::start();         // a data directory + postgres; the error says why not
//   auto db = (*server)->create_database();        // "t1", "t2", ... one per test
//   std::string url = (*server)->url(*db);         // postgres://pier@127.0.0.1:PORT/t1
//   (*server)->stop();  (*server)->start_again();  // a restart on the same port and data
//
// PostgreSQL refuses to run as root: as root, initdb and postgres run as the
// `postgres` system user (the package creates it) in a forked child, and the
// temporary directory is handed to that user. The server dies with the test
// process (parent-death signal), so a crashed test leaves no server behind;
// the directory it leaves is removed by the next test process.
// initdb runs once per user and PostgreSQL version: its result is kept in the
// same place (pier-store-pg-template-UID-VERSION) and copied for
// each server, since under ctest every test case is a process of its own.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/error.h"

namespace pier::store::testing {

class PostgresServer {
 public:
  static Result<std::unique_ptr<PostgresServer>> start();
  // The server of this test process, started on first use; the error (why
  // PostgreSQL cannot run here) is remembered and returned to every caller.
  static Result<PostgresServer*> shared();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer();  // stops the server and removes its directory

  // A fast shutdown (clients are disconnected), waited for.
  Result<void> stop();
  // Starts it again on the same port and data; waits until it accepts connections.
  Result<void> start_again();

  int port() const { return port_; }
  std::string url(const std::string& database) const;
  // A new, empty database with a name not used before in this server.
  Result<std::string> create_database();

 private:
  PostgresServer(std::filesystem::path dir, std::filesystem::path bin_dir, int port, bool as_postgres_user);
  Result<void> launch();
  std::string log_tail() const;

  std::filesystem::path dir_;
  std::filesystem::path bin_dir_;
  int port_;
  bool as_postgres_user_;
  pid_t pid_ = -1;
  int databases_made_ = 0;
};

}  // namespace pier::store::testing
