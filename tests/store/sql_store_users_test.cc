#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using std::chrono::seconds;

class UsersTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    must(store_->create_user({.name = "alice", .role = Role::kDeployer, .scopes = {"prod-*/shop", "dev"}}));
  }
};

TEST_P(UsersTest, CreatesReadsUpdatesDeletesUsers) {
  auto alice = must(store_->get_user("alice"));
  EXPECT_EQ(alice.role, Role::kDeployer);
  EXPECT_EQ(alice.scopes, (std::vector<std::string>{"prod-*/shop", "dev"}));
  EXPECT_EQ(alice.created_at, FakeClock::kWallStart);

  auto taken = store_->create_user({.name = "alice", .role = Role::kAdmin});
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_EQ(taken.error().message, "user alice already exists");

  must(store_->create_user({.name = "bob", .role = Role::kViewer, .scopes = {"*"}}));
  auto updated = must(store_->update_user({.name = "bob", .role = Role::kAdmin, .scopes = {}}));
  EXPECT_EQ(updated.role, Role::kAdmin);
  EXPECT_TRUE(updated.scopes.empty());
  auto users = must(store_->list_users());
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[1].name, "bob");

  must(store_->delete_user("bob"));
  EXPECT_EQ(store_->get_user("bob").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->delete_user("bob").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->update_user({.name = "bob"}).error().code, ErrorCode::kNotFound);
}

TEST_P(UsersTest, RefusesBadUsers) {
  EXPECT_EQ(store_->create_user({.name = ""}).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->create_user({.name = "a b"}).error().code, ErrorCode::kInvalidInput);
  for (std::string scope : {"", "a/b/c", "/ns", "prod/", "pro d"})
    EXPECT_EQ(store_->create_user({.name = "carol", .scopes = {scope}}).error().code, ErrorCode::kInvalidInput)
        << scope;
}

TEST_P(UsersTest, TokensAuthenticateUntilRevoked) {
  auto token = must(store_->create_token("alice", "laptop"));
  EXPECT_TRUE(token.plaintext.starts_with("pier_"));
  EXPECT_EQ(token.info.user, "alice");
  EXPECT_EQ(token.info.description, "laptop");
  EXPECT_TRUE(token.plaintext.starts_with(token.info.prefix));

  auto principal = must(store_->authenticate(token.plaintext));
  EXPECT_EQ(principal.user, "alice");
  EXPECT_EQ(principal.role, Role::kDeployer);
  EXPECT_EQ(principal.scopes, (std::vector<std::string>{"prod-*/shop", "dev"}));
  EXPECT_EQ(principal.token_id, token.info.id);

  std::string wrong = token.plaintext;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {wrong, std::string("pier_nope"), std::string(""), std::string("Bearer x")}) {
    auto denied = store_->authenticate(bad);
    ASSERT_FALSE(denied.has_value()) << bad;
    EXPECT_EQ(denied.error().code, ErrorCode::kDenied);
  }

  must(store_->revoke_token(token.info.id));
  EXPECT_EQ(store_->authenticate(token.plaintext).error().code, ErrorCode::kDenied);
  EXPECT_EQ(store_->revoke_token(987654).error().code, ErrorCode::kNotFound);
}

TEST_P(UsersTest, ListsTokensWithoutSecrets) {
  auto first = must(store_->create_token("alice", "ci"));
  clock_.advance(seconds(1));
  must(store_->create_user({.name = "bob"}));
  auto second = must(store_->create_token("bob", "laptop"));
  must(store_->revoke_token(first.info.id));

  auto all = must(store_->list_tokens(std::nullopt));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, second.info.id);  // newest first
  EXPECT_EQ(all[1].user, "alice");
  EXPECT_TRUE(all[1].revoked_at.has_value());
  EXPECT_EQ(all[1].prefix.size(), 11u);
  EXPECT_EQ(must(store_->list_tokens("bob")).size(), 1u);
  EXPECT_EQ(store_->create_token("nobody", "").error().code, ErrorCode::kNotFound);
}

TEST_P(UsersTest, LastUseIsRecordedAtMostOnceAMinute) {
  auto token = must(store_->create_token("alice", ""));
  EXPECT_FALSE(must(store_->list_tokens("alice"))[0].last_used_at.has_value());
  must(store_->authenticate(token.plaintext));
  EXPECT_EQ(must(store_->list_tokens("alice"))[0].last_used_at, FakeClock::kWallStart);
  clock_.advance(seconds(30));
  must(store_->authenticate(token.plaintext));
  EXPECT_EQ(must(store_->list_tokens("alice"))[0].last_used_at, FakeClock::kWallStart);
  clock_.advance(seconds(31));
  must(store_->authenticate(token.plaintext));
  EXPECT_EQ(must(store_->list_tokens("alice"))[0].last_used_at, FakeClock::kWallStart + seconds(61));
}

TEST_P(UsersTest, DeletingAUserRevokesItsTokens) {
  must(store_->create_user({.name = "bob"}));
  auto token = must(store_->create_token("bob", ""));
  must(store_->delete_user("bob"));
  EXPECT_EQ(store_->authenticate(token.plaintext).error().code, ErrorCode::kDenied);
}

// The plaintext token is nowhere in the database: not in a column, not in the
// SQLite file or its write-ahead log.
TEST_P(UsersTest, OnlyTheHashIsStored) {
  auto token = must(store_->create_token("alice", "laptop"));
  const std::string secret_part = token.plaintext.substr(11);  // after the shown prefix
  for (const auto& row : query("SELECT token_hash, prefix, description FROM tokens"))
    for (const auto& cell : row) EXPECT_EQ(cell.find(secret_part), std::string::npos) << cell;
  EXPECT_EQ(query("SELECT token_hash FROM tokens")[0][0].size(), 64u);

  if (database_->kind() == BackendKind::kSqlite) {
    std::string bytes;
    for (const std::string suffix : {"", "-wal"}) {
      std::ifstream in(database_->sqlite_file().string() + suffix, std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      bytes += content.str();
    }
    EXPECT_EQ(bytes.find(secret_part), std::string::npos);
    EXPECT_NE(bytes.find(token.info.prefix), std::string::npos) << "the grep itself works";
  }
}

INSTANTIATE_FOR_EACH_BACKEND(UsersTest);

}  // namespace
}  // namespace pier::store::testing
