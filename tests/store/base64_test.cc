#include "store/base64.h"

#include <gtest/gtest.h>

namespace pier::store {
namespace {

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37 + 250);
  }
}

TEST(Base64Test, KnownValues) {
  EXPECT_EQ(base64_encode("\xde\xad\xbe\xef"), "3q2+7w==");
  EXPECT_EQ(base64url_encode("\xde\xad\xbe\xef"), "3q2-7w");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
}

TEST(Base64Test, RefusesWhatIsNotCanonical) {
  EXPECT_FALSE(base64_decode("Zm9vYg="));    // bad length
  EXPECT_FALSE(base64_decode("Zm9vYh=="));   // stray low bits: a second spelling of "foob"
  EXPECT_FALSE(base64_decode("Zm9v Yg=="));  // blank
  EXPECT_FALSE(base64_decode("3q2-7w=="));   // URL alphabet in standard text
  EXPECT_FALSE(base64url_decode("3q2+7w"));  // and the other way round
  EXPECT_FALSE(base64url_decode("3q2-7w=="));
  EXPECT_FALSE(base64url_decode("A"));
}

}  // namespace
}  // namespace pier::store
