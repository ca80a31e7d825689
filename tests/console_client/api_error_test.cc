#include "console_client/api_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::console_client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ErrorFromAnswer, StatusesBecomeCodes) {
  struct Case {
    int status;
    ErrorCode code;
    Retry retry;
  };
  for (const Case& c :
       {Case{400, ErrorCode::kInvalidInput, Retry::kNo}, Case{422, ErrorCode::kInvalidInput, Retry::kNo},
        Case{401, ErrorCode::kDenied, Retry::kNo}, Case{403, ErrorCode::kDenied, Retry::kNo},
        Case{404, ErrorCode::kNotFound, Retry::kNo}, Case{409, ErrorCode::kConflict, Retry::kNo},
        Case{503, ErrorCode::kUnavailable, Retry::kYes}, Case{502, ErrorCode::kUnavailable, Retry::kYes},
        Case{504, ErrorCode::kUnavailable, Retry::kYes}, Case{429, ErrorCode::kUnavailable, Retry::kYes},
        Case{500, ErrorCode::kInternal, Retry::kNo}, Case{405, ErrorCode::kInternal, Retry::kNo},
        Case{418, ErrorCode::kInternal, Retry::kNo}}) {
    Error error = error_from_answer(c.status, R"({"error": "x"})");
    EXPECT_EQ(error.code, c.code) << c.status;
    EXPECT_EQ(error.retry, c.retry) << c.status;
    EXPECT_EQ(error.message, "x") << c.status;
  }
}

TEST(ErrorFromAnswer, TheServersMessageIsTheMessage) {
  Error error =
      error_from_answer(409, R"j({"error": "release prod/shop/web is being upgraded by bob (operation 41)"})j");
  EXPECT_EQ(error.message, "release prod/shop/web is being upgraded by bob (operation 41)");
  EXPECT_TRUE(error.details.empty());
}

TEST(ErrorFromAnswer, DetailsAreCopied) {
  Error error = error_from_answer(422, R"({"error": "values do not match the schema of jetty 1.4.0",
      "details": [{"location": "/jetty/replicas", "message": "must be >= 1"},
                  {"location": "/jetty/image", "message": "is required"},
                  "not an object", {"message": "no location"}]})");
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  ASSERT_EQ(error.details.size(), 3u);
  EXPECT_EQ(error.details[0].location, "/jetty/replicas");
  EXPECT_EQ(error.details[0].message, "must be >= 1");
  EXPECT_EQ(error.details[2].location, "");
  EXPECT_EQ(
      error.describe(),
      "values do not match the schema of jetty 1.4.0\n  /jetty/replicas: must be >= 1\n  /jetty/image: is required"
      "\n  no location");
}

TEST(ErrorFromAnswer, ANonApiBodyIsSummarised) {
  Error html = error_from_answer(502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
  EXPECT_EQ(html.message, "HTTP 502 Bad Gateway");
  EXPECT_EQ(html.code, ErrorCode::kUnavailable);
  Error text = error_from_answer(500, "\n  upstream exploded\nstack trace...");
  EXPECT_EQ(text.message, "HTTP 500 Internal Server Error: upstream exploded");
  Error empty = error_from_answer(404, "");
  EXPECT_EQ(empty.message, "HTTP 404 Not Found");
  Error json_without_error = error_from_answer(400, R"({"message": "x"})");
  EXPECT_EQ(json_without_error.message, "HTTP 400 Bad Request");
  Error long_line = error_from_answer(500, std::string(1000, 'y'));
  EXPECT_LT(long_line.message.size(), 300u);
}

TEST(Redact, TheSecretIsReplacedEverywhere) {
  Error error = Error::make(ErrorCode::kDenied, "token s3cr3t-t0ken is revoked; s3cr3t-t0ken!");
  error.details.push_back({"header s3cr3t-t0ken", "was s3cr3t-t0ken"});
  redact(error, "s3cr3t-t0ken");
  EXPECT_EQ(error.message, "token (token) is revoked; (token)!");
  EXPECT_THAT(error.describe(), Not(HasSubstr("s3cr3t")));
  Error untouched = Error::invalid("nothing here");
  redact(untouched, "");
  EXPECT_EQ(untouched.message, "nothing here");
}

}  // namespace
}  // namespace pier::console_client
