#include "store/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

constexpr Migration kKnown[] = {{1, "one", "CREATE TABLE a (x INTEGER)"}, {2, "two", "CREATE TABLE b (x INTEGER)"}};

TEST(PendingMigrationsTest, RunsWhatIsMissingInOrder) {
  auto all = pending_migrations(kKnown, 0).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(pending_migrations(kKnown, 1).value().size(), 1u);
  EXPECT_TRUE(pending_migrations(kKnown, 2).value().empty());
}

TEST(PendingMigrationsTest, RefusesANewerDatabase) {
  auto newer = pending_migrations(kKnown, 3);
  ASSERT_FALSE(newer.has_value());
  EXPECT_EQ(newer.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(newer.error().message.find("version 3, newer than this Pier knows (2)"), std::string::npos);
}

TEST(MigrationListsTest, AreNumberedWithoutGaps) {
  for (auto list : {sqlite_migrations(), postgres_migrations()}) {
    ASSERT_FALSE(list.empty());
    for (size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, int(i + 1));
  }
  EXPECT_EQ(sqlite_migrations().size(), postgres_migrations().size());
}

class MigrationsTest : public StoreTest {
 protected:
  std::span<const Migration> migrations() const {
    return GetParam() == BackendKind::kSqlite ? sqlite_migrations() : postgres_migrations();
  }
};

TEST_P(MigrationsTest, ApplyingAgainDoesNothing) {
  // The fixture's open_store migrated the database already.
  auto db = must(database_->open_sql());
  EXPECT_TRUE(must(apply_migrations(*db, migrations())).empty());
  auto rows = query("SELECT version, name FROM schema_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), migrations().size());
  EXPECT_EQ(rows[0][0], "1");
  auto reopened = open_store(database_->url(), options());
  ASSERT_TRUE(reopened.has_value()) << reopened.error().describe();
}

TEST_P(MigrationsTest, RefusesADatabaseFromANewerPier) {
  auto db = must(database_->open_sql());
  must(db->run(sql::Access::kWrite, [](sql::Session& s) -> Result<void> {
    auto done = s.execute("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (999, 'future', 0)", {});
    if (!done) return fail(done.error());
    return {};
  }));
  auto refused = open_store(database_->url(), options());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(refused.error().message.find("schema is at version 999, newer than this Pier knows"), std::string::npos)
      << refused.error().message;
}

TEST_P(MigrationsTest, ReplicasStartingTogetherMigrateOnce) {
  auto fresh = must(TestDatabase::make(GetParam()));
  constexpr int kReplicas = 4;
  std::vector<std::string> errors(kReplicas);
  std::vector<std::vector<int>> applied(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i)
    threads.emplace_back([&, i] {
      auto db = fresh->open_sql();
      if (!db) {
        errors[size_t(i)] = db.error().describe();
        return;
      }
      auto done = apply_migrations(**db, migrations());
      if (done)
        applied[size_t(i)] = *done;
      else
        errors[size_t(i)] = done.error().describe();
    });
  for (auto& thread : threads) thread.join();
  size_t total = 0;
  for (int i = 0; i < kReplicas; ++i) {
    EXPECT_EQ(errors[size_t(i)], "");
    total += applied[size_t(i)].size();
  }
  EXPECT_EQ(total, migrations().size());  // each version applied by exactly one replica
}

INSTANTIATE_FOR_EACH_BACKEND(MigrationsTest);

}  // namespace
}  // namespace pier::store::testing
