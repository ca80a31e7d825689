#include "server/percent_encoding.h"

#include "common/url_encoding.h"

#include <gtest/gtest.h>

namespace pier::server {
namespace {

TEST(PercentDecode, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(percent_decode("my%20app"), "my app");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%C3%A9t%c3%a9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
}

TEST(PercentDecode, RefusesMalformedEscapesAndNul) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("a%00b"), std::nullopt);
}

TEST(PercentEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("a b/c~d.e_f-g"), "a%20b%2Fc~d.e_f-g");
  EXPECT_EQ(percent_decode(percent_encode("x/y?z=1&ü")), "x/y?z=1&ü");
}

TEST(ParseQuery, DecodesInOrderAndKeepsRepeats) {
  auto query = parse_query("a=1&b=2&b=3&flag&&q=a+b%26c&=empty");
  ASSERT_TRUE(query);
  EXPECT_EQ(*query, (QueryParams{{"a", "1"}, {"b", "2"}, {"b", "3"}, {"flag", ""}, {"q", "a b&c"}, {"", "empty"}}));
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_FALSE(parse_query("a=%zz"));
}

TEST(SplitPath, DecodesEachSegmentOnItsOwn) {
  EXPECT_EQ(split_path("/").value(), std::vector<std::string>{});
  EXPECT_EQ(split_path("/a/b").value(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_path("/a/").value(), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(split_path("/a%2Fb/c").value(), (std::vector<std::string>{"a/b", "c"}));
  EXPECT_FALSE(split_path("relative"));
  EXPECT_FALSE(split_path("/bad%"));
}

}  // namespace
}  // namespace pier::server
