// The little SQL the store needs, over SQLite and PostgreSQL alike: run a
// unit of work in one transaction on a pooled connection; within it, run
// parameterised statements (prepared once per connection) and read rows as
// text. SqlStore (sql_store.h) writes its queries once against this.
//
//   auto count = sql::transact<std::int64_t>(db, sql::Access::kRead, [&](sql::Session& s) -> Result<std::int64_t> {
//     auto rows = s.query("SELECT count(*) FROM releases WHERE cluster = $1", {cluster});
//     if (!rows) return fail(rows.error());
//     return rows->at(0).integer(0);
//   });
//
// Statements use PostgreSQL's placeholders $1, $2, ...; the SQLite backend
// reads them as its numbered ?1, ?2, ... Values bind as NULL, 64-bit integers
// or text; results come back as text (or NULL) and are converted on reading.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.h"
#include "store/store_url.h"

namespace pier::store::sql {

using Param = std::variant<std::nullptr_t, std::int64_t, std::string_view>;

class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool is_null(size_t column) const { return !cells_.at(column).has_value(); }
  // "" for NULL.
  const std::string& text(size_t column) const;
  // 0 for NULL or a value that is not an integer (the schema makes that a bug).
  std::int64_t integer(size_t column) const;
  std::optional<std::int64_t> optional_integer(size_t column) const;

 private:
  std::vector<std::optional<std::string>> cells_;
};

using Rows = std::vector<Row>;

// Hash for maps keyed by SQL text (statement caches), searchable with a
// string_view without building a string.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
};

// One connection inside one transaction; used by one thread at a time.
class Session {
 public:
  virtual ~Session() = default;
  virtual Backend backend() const = 0;
  // A statement that returns rows (SELECT, or anything with RETURNING).
  virtual Result<Rows> query(std::string_view sql, const std::vector<Param>& params) = 0;
  // A statement without rows; returns how many rows it changed.
  virtual Result<std::int64_t> execute(std::string_view sql, const std::vector<Param>& params) = 0;
  // Several statements without parameters (a migration).
  virtual Result<void> execute_script(std::string_view sql) = 0;
  // Waits until no other process holds lock `id`, then holds it until the
  // transaction ends. PostgreSQL: pg_advisory_xact_lock. SQLite: nothing to
  // do, a write transaction already excludes every other writer.
  virtual Result<void> advisory_lock(std::int64_t id) = 0;
};

enum class Access {
  kRead,   // a consistent read; never blocks writers
  kWrite,  // serialised against other writers of the same rows (SQLite: of the whole database)
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  // Runs `work` in one transaction: committed when it succeeds, rolled back
  // when it fails. Work may be run again (on a fresh connection, after a
  // pooled connection turned out dead), so it must not have effects outside
  // the session before it returns.
  virtual Result<void> run(Access access, const std::function<Result<void>(Session&)>& work) = 0;
};

// run() for work that returns a value.
template <class T, class Work>
Result<T> transact(Database& db, Access access, Work&& work) {
  std::optional<T> out;
  auto done = db.run(access, [&](Session& session) -> Result<void> {
    Result<T> value = work(session);
    if (!value) return fail(std::move(value.error()));
    out = std::move(*value);
    return {};
  });
  if (!done) return fail(std::move(done.error()));
  return std::move(*out);
}

}  // namespace pier::store::sql
