#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <cctype>
#include <string>
#include <unordered_map>

#include "store/connection_pool.h"

namespace pier::store {

namespace {

// sql.h's $1, $2, ... as SQLite's numbered ?1, ?2, ... (the store's SQL has no
// '$' anywhere else).
std::string numbered_placeholders(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) out[i] = '?';
  return out;
}

Error sqlite_error(sqlite3* db, int code, const std::string& where) {
  const std::string text = where + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::make(ErrorCode::kUnavailable, text + " (another writer held the database too long)", Retry::kYes);
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return Error::make(ErrorCode::kConflict, text);
      return Error::internal(text);
    case SQLITE_NOTADB:
      return Error::invalid(text);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
      return Error::io(text);
    default:
      return Error::internal(text);
  }
}

// One sqlite3 handle and its prepared statements.
class SqliteConnection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> open(const std::filesystem::path& path,
                                                        std::chrono::milliseconds busy_timeout) {
    sqlite3* db = nullptr;
    // NOMUTEX: the pool hands a connection to one thread at a time.
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    auto connection = std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path.string()));
    if (rc != SQLITE_OK) return fail(sqlite_error(db, rc, "SQLite " + path.string()));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
    // WAL is a property of the file (set once, kept); the others are per connection.
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", nullptr,
                      nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(sqlite_error(db, rc, "SQLite " + path.string()));
    return connection;
  }

  ~SqliteConnection() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  sqlite3* handle() const { return db_; }
  const std::string& where() const { return where_; }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return found->second;
    std::string text = numbered_placeholders(sql);
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT,
                                &statement, nullptr);
    if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, where_));
    statements_.emplace(std::string(sql), statement);
    return statement;
  }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), where_("SQLite " + std::move(path)) {}
  sqlite3* db_;
  std::string where_;
  std::unordered_map<std::string, sqlite3_stmt*, sql::TextHash, std::equal_to<>> statements_;
};

class SqliteSession final : public sql::Session {
 public:
  explicit SqliteSession(SqliteConnection& connection) : connection_(connection) {}

  Backend backend() const override { return Backend::kSqlite; }

  Result<sql::Rows> query(std::string_view text, const std::vector<sql::Param>& params) override {
    sql::Rows rows;
    if (auto done = step(text, params, &rows); !done) return fail(done.error());
    return rows;
  }

  Result<std::int64_t> execute(std::string_view text, const std::vector<sql::Param>& params) override {
    if (auto done = step(text, params, nullptr); !done) return fail(done.error());
    return sqlite3_changes64(connection_.handle());
  }

  Result<void> execute_script(std::string_view text) override {
    std::string script(text);
    int rc = sqlite3_exec(connection_.handle(), script.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(sqlite_error(connection_.handle(), rc, connection_.where()));
    return {};
  }

  Result<void> advisory_lock(std::int64_t) override { return {}; }

 private:
  // Binds, steps to the end (collecting rows when `rows` is set), resets.
  Result<void> step(std::string_view text, const std::vector<sql::Param>& params, sql::Rows* rows) {
    auto prepared = connection_.prepare(text);
    if (!prepared) return fail(prepared.error());
    sqlite3_stmt* statement = *prepared;
    sqlite3* db = connection_.handle();
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(statement, index, *number);
      } else if (const auto* str = std::get_if<std::string_view>(&params[i])) {
        // A null data pointer would bind NULL; an empty text is still text.
        rc = sqlite3_bind_text64(statement, index, str->data() ? str->data() : "", str->size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(statement, index);
      }
      if (rc != SQLITE_OK) {
        Error error = sqlite_error(db, rc, connection_.where());
        sqlite3_reset(statement);
        return fail(error);
      }
    }
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      if (!rows) continue;
      const int columns = sqlite3_column_count(statement);
      std::vector<std::optional<std::string>> cells(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(statement, c) == SQLITE_NULL) continue;
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
        cells[size_t(c)].emplace(data ? data : "", static_cast<size_t>(sqlite3_column_bytes(statement, c)));
      }
      rows->emplace_back(std::move(cells));
    }
    Result<void> outcome;
    if (rc != SQLITE_DONE) outcome = fail(sqlite_error(db, rc, connection_.where()));
    // Reset ends the statement's read of the database; unbinding drops the
    // pointers into the caller's strings.
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return outcome;
  }

  SqliteConnection& connection_;
};

class SqliteDatabase final : public sql::Database {
 public:
  SqliteDatabase(const std::filesystem::path& path, const SqliteOptions& options)
      : pool_(options.max_connections, [path, options] { return SqliteConnection::open(path, options.busy_timeout); },
              options.busy_timeout * 6) {}

  Backend backend() const override { return Backend::kSqlite; }

  Result<void> run(sql::Access access, const std::function<Result<void>(sql::Session&)>& work) override {
    auto lease = pool_.acquire();
    if (!lease) return fail(lease.error());
    SqliteSession session(lease->connection());
    // IMMEDIATE takes the write lock at once: a deferred transaction that
    // read first and then writes can fail with BUSY instead of waiting.
    auto begun = session.execute(access == sql::Access::kWrite ? "BEGIN IMMEDIATE" : "BEGIN", {});
    if (!begun) return fail(begun.error());
    Result<void> outcome;
    try {
      outcome = work(session);
    } catch (const std::exception& e) {
      outcome = fail(Error::internal(std::string("store: unexpected exception: ") + e.what()));
    }
    if (outcome) {
      if (auto committed = session.execute("COMMIT", {}); !committed) outcome = fail(committed.error());
    }
    if (!outcome) (void)session.execute("ROLLBACK", {});
    return outcome;
  }

 private:
  ConnectionPool<SqliteConnection> pool_;
};

}  // namespace

Result<std::unique_ptr<sql::Database>> open_sqlite_database(const std::filesystem::path& path,
                                                            const SqliteOptions& options) {
  auto db = std::make_unique<SqliteDatabase>(path, options);
  // Open one connection now, so a bad path or a file that is not a database
  // is reported at start-up rather than at the first request.
  auto checked = db->run(sql::Access::kRead, [](sql::Session& s) -> Result<void> {
    auto rows = s.query("SELECT count(*) FROM sqlite_master", {});
    if (!rows) return fail(rows.error());
    return {};
  });
  if (!checked) return fail(checked.error());
  return std::unique_ptr<sql::Database>(std::move(db));
}

}  // namespace pier::store
