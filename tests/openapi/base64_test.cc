#include "openapi/base64.h"

#include <gtest/gtest.h>

namespace pier::openapi {
namespace {

TEST(Base64Test, AcceptsStandardPaddedBase64) {
  for (const char* s : {"", "aGVsbG8=", "aGk=", "YQ==", "c2VjcmV0", "ab+/", "YW\nJj", "YWJj\r\n"}) {
    EXPECT_TRUE(is_valid_base64(s)) << s;
  }
}

TEST(Base64Test, RejectsOtherText) {
  for (const char* s : {"aGVsbG8", "a", "ab=", "a===", "ab==ab==", "ab=c", "ab-_", "hello world", "YQ=", "====", "secret!!"}) {
    EXPECT_FALSE(is_valid_base64(s)) << s;
  }
}

}  // namespace
}  // namespace pier::openapi
