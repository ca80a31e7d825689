#include "store/cursor.h"

#include <gtest/gtest.h>

namespace pier::store {
namespace {

TEST(CursorTest, ReleaseCursorRoundTrips) {
  ReleaseKey key{"prod/eu", "shop \"a\"", "web"};
  auto back = decode_release_cursor(encode_release_cursor(key));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, key);
}

TEST(CursorTest, ForeignCursorsAreInvalidInput) {
  for (std::string_view bad : {"", "!!", "bm90IGpzb24", "WzEsMiwzXQ" /* [1,2,3] */, "WyJhIl0" /* ["a"] */}) {
    auto decoded = decode_release_cursor(bad);
    ASSERT_FALSE(decoded.has_value()) << bad;
    EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidInput);
  }
  EXPECT_FALSE(decode_id_cursor("12x").has_value());
  EXPECT_FALSE(decode_id_cursor("-3").has_value());
  EXPECT_EQ(decode_id_cursor(encode_id_cursor(42)).value(), 42);
}

TEST(CursorTest, PageLimits) {
  EXPECT_EQ(page_limit({.limit = 0}).value(), 50);
  EXPECT_EQ(page_limit({.limit = 1000}).value(), 1000);
  EXPECT_FALSE(page_limit({.limit = 1001}).has_value());
  EXPECT_FALSE(page_limit({.limit = -1}).has_value());
}

}  // namespace
}  // namespace pier::store
