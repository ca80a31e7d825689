#include "common/url_encoding.h"

#include <gtest/gtest.h>

namespace pier {
namespace {

TEST(UrlEncodingTest, PercentEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b/c:d@e"), "a%20b%2Fc%3Ad%40e");
  EXPECT_EQ(percent_encode("é"), "%C3%A9");
  EXPECT_EQ(percent_encode(std::string(1, '\0')), "%00");
}

TEST(UrlEncodingTest, PathSegment) {
  EXPECT_EQ(encode_path_segment("jetty-1.web_x~"), "jetty-1.web_x~");
  EXPECT_EQ(encode_path_segment("a/b"), "a%2Fb");
  EXPECT_EQ(encode_path_segment("system:node:w1@x"), "system:node:w1@x");
  EXPECT_EQ(encode_path_segment("é"), "%C3%A9");
}

TEST(UrlEncodingTest, QueryValue) {
  EXPECT_EQ(encode_query_value("app in (web,api),tier!=db"), "app%20in%20%28web%2Capi%29%2Ctier%21%3Ddb");
  EXPECT_EQ(encode_query_value("a+b&c=d"), "a%2Bb%26c%3Dd");
}

TEST(UrlEncodingTest, QueryLeavesOutEmptyValues) {
  EXPECT_EQ(encode_query({}), "");
  EXPECT_EQ(encode_query({{"limit", ""}}), "");
  EXPECT_EQ(encode_query({{"labelSelector", "app=web"}, {"continue", ""}, {"limit", "500"}}),
            "?labelSelector=app%3Dweb&limit=500");
  EXPECT_EQ(encode_query({{"q", "a b&c=d"}, {"after", "eyJ+/="}}), "?q=a%20b%26c%3Dd&after=eyJ%2B%2F%3D");
}

}  // namespace
}  // namespace pier
