#include "store_fixture.h"

#include <cstdlib>

#include "postgres_server.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"

namespace pier::store::testing {

namespace fs = std::filesystem;

std::string backend_name(const ::testing::TestParamInfo<BackendKind>& info) {
  return info.param == BackendKind::kSqlite ? "sqlite" : "postgres";
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::make(BackendKind kind) {
  if (kind == BackendKind::kPostgres) {
    auto server = PostgresServer::shared();
    if (!server) return fail(server.error());
    auto name = (*server)->create_database();
    if (!name) return fail(name.error());
    return std::unique_ptr<TestDatabase>(new TestDatabase(kind, (*server)->url(*name), {}, {}));
  }
  std::string pattern = (fs::temp_directory_path() / "pier-store-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) return fail(Error::io("mkdtemp failed"));
  fs::path file = fs::path(pattern) / "pier.db";
  return std::unique_ptr<TestDatabase>(new TestDatabase(kind, "sqlite://" + file.string(), pattern, file));
}

TestDatabase::~TestDatabase() {
  std::error_code ec;
  if (!temp_dir_.empty()) fs::remove_all(temp_dir_, ec);
}

Result<std::unique_ptr<sql::Database>> TestDatabase::open_sql() const {
  if (kind_ == BackendKind::kSqlite) return open_sqlite_database(sqlite_file_, {});
  return open_postgres_database(url_, {});
}

void StoreTest::SetUp() {
  auto database = TestDatabase::make(GetParam());
  ASSERT_TRUE(database.has_value()) << database.error().describe();
  database_ = std::move(*database);
  auto store = open_store(database_->url(), options());
  ASSERT_TRUE(store.has_value()) << store.error().describe();
  store_ = std::move(*store);
}

StoreOptions StoreTest::options() const {
  StoreOptions options;
  options.clock = &clock_;
  options.event_poll_interval = std::chrono::milliseconds(20);
  return options;
}

std::unique_ptr<Store> StoreTest::open_another() const { return must(open_store(database_->url(), options())); }

std::vector<std::vector<std::string>> StoreTest::query(const std::string& text) const {
  auto db = must(database_->open_sql());
  using Table = std::vector<std::vector<std::string>>;
  return must(sql::transact<Table>(*db, sql::Access::kRead, [&](sql::Session& s) -> Result<Table> {
    auto rows = s.query(text, {});
    if (!rows) return fail(rows.error());
    Table out;
    for (const auto& row : *rows) {
      std::vector<std::string> cells;
      for (size_t i = 0; i < row.size(); ++i) cells.push_back(row.text(i));
      out.push_back(std::move(cells));
    }
    return out;
  }));
}

}  // namespace pier::store::testing
