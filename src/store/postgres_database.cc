#include "store/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <unordered_map>

#include "store/connection_pool.h"

namespace pier::store {

namespace {

using ResultHandle = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trimmed(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// SQLSTATEs after which the connection is gone or going: class 08
// (connection exception) and the server shutting down or starting.
bool connection_lost(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// Worth running the transaction again as it is.
bool transient(std::string_view state) {
  return state == "40001" || state == "40P01";  // serialization failure, deadlock
}

// What one failed statement means to the caller.
struct Failure {
  Error error;
  bool broken = false;  // the connection cannot be used again
  bool retry_transaction = false;
};

Failure classify(PGconn* conn, PGresult* result, const std::string& where) {
  const char* state_field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field ? state_field : "";
  // The primary message only: DETAIL may quote the values of a row.
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string text = primary ? std::string(primary) : trimmed(PQerrorMessage(conn));
  if (!state.empty()) text += " (SQLSTATE " + state + ")";

  if (!result || PQstatus(conn) == CONNECTION_BAD || connection_lost(state))
    return {Error::make(ErrorCode::kUnavailable, where + ": connection lost: " + text, Retry::kYes), true, false};
  if (state == "23505") return {Error::make(ErrorCode::kConflict, where + ": " + text), false, false};
  if (transient(state))
    return {Error::make(ErrorCode::kUnavailable, where + ": " + text, Retry::kYes), false, true};
  // Out of resources (53...), cancelled (57014), lock not available (55P03).
  if (state.starts_with("53") || state == "57014" || state == "55P03")
    return {Error::make(ErrorCode::kUnavailable, where + ": " + text, Retry::kYes), false, false};
  return {Error::internal(where + ": " + text), false, false};
}

class PgConnection {
 public:
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url, const std::string& where,
                                                       std::chrono::milliseconds timeout) {
    // Earlier keywords are defaults the URL (expanded from dbname) overrides.
    const std::string seconds = std::to_string(std::max<long long>(1, (timeout.count() + 999) / 1000));
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {seconds.c_str(), "pier", url.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, 1);
    auto connection = std::unique_ptr<PgConnection>(new PgConnection(conn, where));
    if (!conn) return fail(Error::make(ErrorCode::kUnavailable, where + ": out of memory", Retry::kYes));
    if (PQstatus(conn) != CONNECTION_OK)
      return fail(Error::make(ErrorCode::kUnavailable, where + ": cannot connect: " + trimmed(PQerrorMessage(conn)),
                              Retry::kYes));
    return connection;
  }

  ~PgConnection() { PQfinish(conn_); }

  PGconn* handle() const { return conn_; }
  const std::string& where() const { return where_; }
  bool broken() const { return broken_; }
  bool wants_retry() const { return wants_retry_; }
  // Forgets the last failure's advice, before a new unit of work.
  void clear_retry() { wants_retry_ = false; }

  // A statement with parameters, prepared on first use on this connection.
  // Rows are collected into `rows` when set.
  Result<std::int64_t> run_prepared(std::string_view sql, const std::vector<sql::Param>& params, sql::Rows* rows) {
    auto name = prepared_name(sql, params.size());
    if (!name) return fail(name.error());
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
        storage[i] = std::to_string(*number);
      } else if (const auto* str = std::get_if<std::string_view>(&params[i])) {
        storage[i] = std::string(*str);
      } else {
        continue;  // NULL
      }
      values[i] = storage[i].c_str();
    }
    ResultHandle result(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(), nullptr,
                                       nullptr, 0),
                        &PQclear);
    return collect(result.get(), rows);
  }

  // Parameterless commands (BEGIN, COMMIT) and scripts of several statements.
  Result<std::int64_t> run_simple(std::string_view sql) {
    ResultHandle result(PQexec(conn_, std::string(sql).c_str()), &PQclear);
    return collect(result.get(), nullptr);
  }

 private:
  PgConnection(PGconn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}

  Result<std::string> prepared_name(std::string_view sql, size_t param_count) {
    if (auto found = prepared_.find(sql); found != prepared_.end()) return found->second;
    std::string name = "pier_" + std::to_string(prepared_.size() + 1);
    ResultHandle result(PQprepare(conn_, name.c_str(), std::string(sql).c_str(), static_cast<int>(param_count), nullptr),
                        &PQclear);
    if (auto done = collect(result.get(), nullptr); !done) return fail(done.error());
    prepared_.emplace(std::string(sql), name);
    return name;
  }

  Result<std::int64_t> collect(PGresult* result, sql::Rows* rows) {
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      Failure failure = classify(conn_, result, where_);
      broken_ = broken_ || failure.broken;
      wants_retry_ = failure.retry_transaction;
      return fail(std::move(failure.error));
    }
    if (rows) {
      const int count = PQntuples(result);
      const int columns = PQnfields(result);
      rows->reserve(rows->size() + static_cast<size_t>(count));
      for (int r = 0; r < count; ++r) {
        std::vector<std::optional<std::string>> cells(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c)
          if (!PQgetisnull(result, r, c))
            cells[size_t(c)].emplace(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c)));
        rows->emplace_back(std::move(cells));
      }
    }
    const char* changed = PQcmdTuples(result);
    return changed && *changed ? std::atoll(changed) : 0;
  }

  PGconn* conn_;
  std::string where_;
  bool broken_ = false;
  bool wants_retry_ = false;
  std::unordered_map<std::string, std::string, sql::TextHash, std::equal_to<>> prepared_;
};

class PgSession final : public sql::Session {
 public:
  explicit PgSession(PgConnection& connection) : connection_(connection) {}

  Backend backend() const override { return Backend::kPostgres; }

  Result<sql::Rows> query(std::string_view text, const std::vector<sql::Param>& params) override {
    sql::Rows rows;
    if (auto done = connection_.run_prepared(text, params, &rows); !done) return fail(done.error());
    return rows;
  }

  Result<std::int64_t> execute(std::string_view text, const std::vector<sql::Param>& params) override {
    return connection_.run_prepared(text, params, nullptr);
  }

  Result<void> execute_script(std::string_view text) override {
    if (auto done = connection_.run_simple(text); !done) return fail(done.error());
    return {};
  }

  Result<void> advisory_lock(std::int64_t id) override {
    if (auto done = connection_.run_prepared("SELECT pg_advisory_xact_lock($1)", {id}, nullptr); !done)
      return fail(done.error());
    return {};
  }

 private:
  PgConnection& connection_;
};

class PostgresDatabase final : public sql::Database {
 public:
  PostgresDatabase(std::string url, const PostgresOptions& options)
      : where_(describe_postgres_url(url)),
        pool_(options.max_connections,
              [url = std::move(url), where = where_, timeout = options.connect_timeout] {
                return PgConnection::connect(url, where, timeout);
              },
              std::chrono::seconds(30)) {}

  Backend backend() const override { return Backend::kPostgres; }

  Result<void> run(sql::Access access, const std::function<Result<void>(sql::Session&)>& work) override {
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
      auto lease = pool_.acquire();
      if (!lease) return fail(lease.error());
      PgConnection& connection = lease->connection();
      bool changed_nothing = true;  // safe to run again on another connection
      Result<void> outcome = attempt_once(access, connection, work, changed_nothing);
      if (outcome) return outcome;

      if (connection.broken()) {
        lease->discard();
        pool_.drop_idle();  // made before the outage: dead as well
        if (lease->reused() && changed_nothing && attempt == 1) continue;
        return outcome;
      }
      if (connection.wants_retry() && attempt < kAttempts) continue;
      return outcome;
    }
  }

 private:
  Result<void> attempt_once(sql::Access access, PgConnection& connection,
                            const std::function<Result<void>(sql::Session&)>& work, bool& changed_nothing) {
    connection.clear_retry();
    PgSession session(connection);
    // Reads run statement by statement (each its own snapshot): one round
    // trip per statement instead of three for BEGIN, the query and COMMIT.
    if (access == sql::Access::kRead) {
      return guarded(work, session);
    }
    if (auto begun = connection.run_simple("BEGIN"); !begun) return fail(begun.error());
    changed_nothing = false;
    Result<void> outcome = guarded(work, session);
    if (outcome) {
      auto committed = connection.run_simple("COMMIT");
      if (!committed) {
        Error error = committed.error();
        if (connection.broken()) error.message += " (while committing: the change may or may not have been saved)";
        return fail(error);
      }
      return outcome;
    }
    if (!connection.broken()) (void)connection.run_simple("ROLLBACK");
    return outcome;
  }

  static Result<void> guarded(const std::function<Result<void>(sql::Session&)>& work, sql::Session& session) {
    try {
      return work(session);
    } catch (const std::exception& e) {
      return fail(Error::internal(std::string("store: unexpected exception: ") + e.what()));
    }
  }

  std::string where_;
  ConnectionPool<PgConnection> pool_;
};

}  // namespace

std::string describe_postgres_url(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error) PQfreemem(error);
  if (!options) return "PostgreSQL";
  std::string host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    std::string_view keyword = o->keyword;
    if (!o->val) continue;
    if (keyword == "host" || (keyword == "hostaddr" && host.empty())) host = o->val;
    if (keyword == "port") port = o->val;
    if (keyword == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  return "PostgreSQL at " + (host.empty() ? std::string("localhost") : host) + ":" +
         (port.empty() ? std::string("5432") : port) + (dbname.empty() ? std::string() : "/" + dbname);
}

Result<std::unique_ptr<sql::Database>> open_postgres_database(const std::string& url, const PostgresOptions& options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (error) PQfreemem(error);  // it may quote a piece of the URL: the password, say
  if (!parsed) return fail(Error::invalid("database: not a valid PostgreSQL URL (libpq cannot parse it)"));
  PQconninfoFree(parsed);
  auto db = std::make_unique<PostgresDatabase>(url, options);
  auto checked = db->run(sql::Access::kRead, [](sql::Session& s) -> Result<void> {
    auto rows = s.query("SELECT 1", {});
    if (!rows) return fail(rows.error());
    return {};
  });
  if (!checked) return fail(checked.error());
  return std::unique_ptr<sql::Database>(std::move(db));
}

}  // namespace pier::store
