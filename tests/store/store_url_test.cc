#include "store/store_url.h"

#include <gtest/gtest.h>

namespace pier::store {
namespace {

TEST(StoreUrlTest, ChoosesTheBackend) {
  auto pg = parse_store_url("postgres://pier:secret@db:5432/pier?sslmode=require");
  ASSERT_TRUE(pg.has_value());
  EXPECT_EQ(pg->backend, Backend::kPostgres);
  EXPECT_EQ(pg->location, "postgres://pier:secret@db:5432/pier?sslmode=require");
  EXPECT_EQ(parse_store_url("postgresql://db/pier")->backend, Backend::kPostgres);

  EXPECT_EQ(parse_store_url("sqlite:///var/lib/pier/pier.db")->location, "/var/lib/pier/pier.db");
  EXPECT_EQ(parse_store_url("sqlite://data/pier.db")->location, "data/pier.db");
  EXPECT_EQ(parse_store_url("sqlite:pier.db")->location, "pier.db");
  auto plain = parse_store_url("/var/lib/pier/pier.db");
  EXPECT_EQ(plain->backend, Backend::kSqlite);
  EXPECT_EQ(plain->location, "/var/lib/pier/pier.db");
}

TEST(StoreUrlTest, RefusesOtherSchemesWithoutShowingTheUrl) {
  auto mysql = parse_store_url("mysql://root:hunter2@db/pier");
  ASSERT_FALSE(mysql.has_value());
  EXPECT_EQ(mysql.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(mysql.error().message.find("\"mysql\""), std::string::npos);
  EXPECT_EQ(mysql.error().message.find("hunter2"), std::string::npos);
  EXPECT_FALSE(parse_store_url("").has_value());
  EXPECT_FALSE(parse_store_url("sqlite://").has_value());
}

}  // namespace
}  // namespace pier::store
