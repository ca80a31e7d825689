#include "server/request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::server {
namespace {

using ::testing::HasSubstr;

TEST(Request, HeadersAreCaseInsensitive) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"last-event-id", "9"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(request.header("Accept"), std::nullopt);
  EXPECT_EQ(request.last_event_id(), "9");
}

TEST(Request, ParamsAndQueryValues) {
  Request request;
  request.params = {{"name", "web"}};
  request.query = {{"limit", "5"}, {"limit", "6"}};
  EXPECT_EQ(request.param("name"), "web");
  EXPECT_EQ(request.param("other"), "");
  EXPECT_EQ(request.query_value("limit"), "5");
  EXPECT_EQ(request.query_value("offset"), std::nullopt);
}

TEST(Request, JsonBodyErrorsSayWhere) {
  Request request;
  request.body = "{\n  \"replicas\": 3,\n  \"image\": }";
  auto parsed = request.json_body();
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(parsed.error().message, HasSubstr("body: line 3 column 12: "));
  EXPECT_THAT(parsed.error().message, ::testing::Not(HasSubstr("json.exception")));

  request.body = "";
  EXPECT_EQ(request.json_body().error().message, "body: empty, expected a JSON document");

  request.body = R"({"ok": true})";
  EXPECT_EQ(request.json_body().value()["ok"], true);
}

}  // namespace
}  // namespace pier::server
