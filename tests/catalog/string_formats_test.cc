#include "catalog/string_formats.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

TEST(StringFormats, Hostname) {
  EXPECT_TRUE(matches_format("hostname", "web.shop.example.com"));
  EXPECT_TRUE(matches_format("hostname", "localhost"));
  EXPECT_FALSE(matches_format("hostname", "-web.example.com"));
  EXPECT_FALSE(matches_format("hostname", "web..example.com"));
  EXPECT_FALSE(matches_format("hostname", "web_1.example.com"));
  EXPECT_FALSE(matches_format("hostname", std::string(64, 'a') + ".com"));
  EXPECT_FALSE(matches_format("hostname", ""));
}

TEST(StringFormats, Addresses) {
  EXPECT_TRUE(matches_format("ipv4", "10.1.0.130"));
  EXPECT_FALSE(matches_format("ipv4", "10.1.0"));
  EXPECT_FALSE(matches_format("ipv4", "10.1.0.256"));
  EXPECT_TRUE(matches_format("ipv6", "fd00::1"));
  EXPECT_FALSE(matches_format("ipv6", "10.1.0.1"));
}

TEST(StringFormats, EmailAndUri) {
  EXPECT_TRUE(matches_format("email", "ops@example.com"));
  EXPECT_FALSE(matches_format("email", "ops example.com"));
  EXPECT_TRUE(matches_format("uri", "https://example.com/x?y"));
  EXPECT_FALSE(matches_format("uri", "/relative/path"));
  EXPECT_FALSE(matches_format("uri", "http://a b"));
}

TEST(StringFormats, UnknownFormatsAreAnnotations) {
  EXPECT_TRUE(matches_format("color", "anything"));
  EXPECT_FALSE(is_checked_format("color"));
  EXPECT_FALSE(is_checked_format("date"));  // valijson checks date, time and date-time itself
  EXPECT_TRUE(is_checked_format("hostname"));
}

}  // namespace
}  // namespace pier::catalog
