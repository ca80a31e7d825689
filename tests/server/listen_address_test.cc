#include "server/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::server {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddress, AcceptedForms) {
  auto v4 = parse_listen_address("127.0.0.1:8080").value();
  EXPECT_EQ(v4.host, "127.0.0.1");
  EXPECT_EQ(v4.port, 8080);
  EXPECT_FALSE(v4.ipv6);
  auto v6 = parse_listen_address("[::1]:0").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 0);
  EXPECT_TRUE(v6.ipv6);
  EXPECT_EQ(v6.to_string(), "[::1]:0");
  EXPECT_EQ(parse_listen_address(":9090").value().host, "0.0.0.0");
  EXPECT_EQ(parse_listen_address("localhost:80").value().host, "127.0.0.1");
}

TEST(ListenAddress, RefusedForms) {
  for (const char* text : {"8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:http", "[::1:80", "::1:80",
                           "example.com:80", "[nope]:80"}) {
    auto parsed = parse_listen_address(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(parsed.error().message, HasSubstr(text));
  }
  EXPECT_THAT(parse_listen_address("::1:80").error().message, HasSubstr("brackets"));
}

}  // namespace
}  // namespace pier::server
