#include "kube/base64.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>(0xf0 + i));
  }
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(base64_encode("hi"), "aGk=");
}

TEST(Base64Test, SkipsLineBreaksAsGoDoes) {
  EXPECT_EQ(base64_decode("aGVs\r\nbG8=\n"), "hello");
}

TEST(Base64Test, RejectsWhatGoRejects) {
  EXPECT_EQ(base64_decode("aGVsbG8"), std::nullopt);    // padding missing
  EXPECT_EQ(base64_decode("aGVs bG8="), std::nullopt);  // a space
  EXPECT_EQ(base64_decode("aGk=aGk="), std::nullopt);   // padding in the middle
  EXPECT_EQ(base64_decode("a==="), std::nullopt);
  EXPECT_EQ(base64_decode("aG-_"), std::nullopt);       // URL alphabet
  EXPECT_EQ(base64_decode(""), "");
}

}  // namespace
}  // namespace pier::kube
