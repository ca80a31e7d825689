// The behavioural tests of the store run the same on both backends: each
// test gets a fresh, empty database (a temporary SQLite file, or a new
// database on the test process's PostgreSQL server) and a Store opened on it
// with a fake clock.
//
//   class ReleasesTest : public StoreTest {};
//   TEST_P(ReleasesTest, NumbersRevisions) { auto r = must(store_->create_revision(...)); ... }
//   INSTANTIATE_FOR_EACH_BACKEND(ReleasesTest);   // ReleasesTest/NumbersRevisions/sqlite, .../postgres
//
// When PostgreSQL cannot be started, the PostgreSQL variants fail with the reason.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "fake_clock.h"
#include "store/sql.h"
#include "store/store.h"

namespace pier::store::testing {

enum class BackendKind { kSqlite, kPostgres };

std::string backend_name(const ::testing::TestParamInfo<BackendKind>& info);

// One fresh database of one backend.
class TestDatabase {
 public:
  static Result<std::unique_ptr<TestDatabase>> make(BackendKind kind);
  ~TestDatabase();

  BackendKind kind() const { return kind_; }
  const std::string& url() const { return url_; }
  // The SQLite file (empty path for PostgreSQL).
  const std::filesystem::path& sqlite_file() const { return sqlite_file_; }
  // The SQL layer on the same database, without a Store: for looking under the hood.
  Result<std::unique_ptr<sql::Database>> open_sql() const;

 private:
  TestDatabase(BackendKind kind, std::string url, std::filesystem::path temp_dir, std::filesystem::path sqlite_file)
      : kind_(kind), url_(std::move(url)), temp_dir_(std::move(temp_dir)), sqlite_file_(std::move(sqlite_file)) {}
  BackendKind kind_;
  std::string url_;
  std::filesystem::path temp_dir_;
  std::filesystem::path sqlite_file_;
};

class StoreTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  void SetUp() override;

  StoreOptions options() const;
  // Another Store on the same database, as a second replica (or the process
  // after a restart) would open it.
  std::unique_ptr<Store> open_another() const;
  // Rows of a query run directly on the database, as text.
  std::vector<std::vector<std::string>> query(const std::string& text) const;

  FakeClock clock_;
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Store> store_;
};

// The value of a Result, or a test failure (thrown, so GoogleTest reports it
// with the error's description and ends the test).
template <class T>
T must(Result<T> result) {
  if (!result) throw std::runtime_error("unexpected error: " + result.error().describe());
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

#define INSTANTIATE_FOR_EACH_BACKEND(Suite)                                                                  \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                                  \
                           ::testing::Values(::pier::store::testing::BackendKind::kSqlite,                   \
                                             ::pier::store::testing::BackendKind::kPostgres),                \
                           ::pier::store::testing::backend_name)

}  // namespace pier::store::testing
