#include "store/api_token.h"

#include <gtest/gtest.h>

#include <set>

namespace pier::store {
namespace {

TEST(ApiTokenTest, IsRandomWithAPrefix) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = generate_api_token();
    ASSERT_TRUE(token.has_value());
    EXPECT_TRUE(token->starts_with("pier_"));
    EXPECT_EQ(token->size(), 5u + 43u);
    EXPECT_TRUE(looks_like_api_token(*token));
    seen.insert(*token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ApiTokenTest, HashIsHexSha256OfTheWholeToken) {
  // echo -n abc | sha256sum
  EXPECT_EQ(api_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(api_token_hash("pier_a"), api_token_hash("pier_b"));
}

TEST(ApiTokenTest, PrefixShowsOnlyTheStart) {
  EXPECT_EQ(api_token_prefix("pier_ABCDEFGHIJ"), "pier_ABCDEF");
}

TEST(ApiTokenTest, RecognisesMalformedTokens) {
  EXPECT_FALSE(looks_like_api_token(""));
  EXPECT_FALSE(looks_like_api_token("Bearer pier_x"));
  EXPECT_FALSE(looks_like_api_token("pier_" + std::string(42, 'A')));
  EXPECT_FALSE(looks_like_api_token("pier_" + std::string(42, 'A') + "+"));
}

}  // namespace
}  // namespace pier::store
