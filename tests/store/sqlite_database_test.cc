// The SQLite backend's own behaviour: what it says about bad files and a
// writer that holds the database too long.
#include "store/sqlite_database.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pier-sqlite-test-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SqliteDatabaseTest, AFileThatIsNotADatabaseIsInvalidInput) {
  std::ofstream(dir_ / "notes.txt") << std::string(4096, 'x');
  auto opened = open_store((dir_ / "notes.txt").string());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(opened.error().message.find("notes.txt"), std::string::npos) << opened.error().message;
}

TEST_F(SqliteDatabaseTest, AMissingDirectoryIsAnIoError) {
  auto opened = open_store("sqlite://" + (dir_ / "missing" / "pier.db").string());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kIo);
}

TEST_F(SqliteDatabaseTest, UsesWriteAheadLogging) {
  must(open_store((dir_ / "pier.db").string()));
  auto db = must(open_sqlite_database(dir_ / "pier.db", {}));
  auto mode = must(sql::transact<std::string>(*db, sql::Access::kRead, [](sql::Session& s) -> Result<std::string> {
    auto rows = s.query("PRAGMA journal_mode", {});
    if (!rows) return fail(rows.error());
    return rows->at(0).text(0);
  }));
  EXPECT_EQ(mode, "wal");
}

// Another process holds the write lock longer than busy_timeout: the write
// fails with kUnavailable / Retry::kYes instead of hanging; reads go on.
TEST_F(SqliteDatabaseTest, AWriterHoldingTheLockTooLongMakesWritesUnavailable) {
  const fs::path file = dir_ / "pier.db";
  auto store = must(open_store(file.string(), {.busy_timeout = milliseconds(100)}));
  must(store->create_revision({.key = {"c", "n", "r"}, .app = "jetty"}));

  auto other = must(open_sqlite_database(file, {}));
  std::promise<void> locked, release;
  auto holder = std::async(std::launch::async, [&] {
    return other->run(sql::Access::kWrite, [&](sql::Session&) -> Result<void> {
      locked.set_value();
      release.get_future().wait();
      return {};
    });
  });
  locked.get_future().wait();
  auto write = store->create_revision({.key = {"c", "n", "r"}, .app = "jetty"});
  auto read = store->history({"c", "n", "r"});
  release.set_value();
  must(holder.get());

  ASSERT_FALSE(write.has_value());
  EXPECT_EQ(write.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(write.error().retry, Retry::kYes);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->size(), 1u);
  EXPECT_EQ(must(store->create_revision({.key = {"c", "n", "r"}, .app = "jetty"})).revision, 2);
}

}  // namespace
}  // namespace pier::store::testing
