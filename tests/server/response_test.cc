#include "server/response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::server {
namespace {

using ::testing::HasSubstr;

nlohmann::json body_of(const Response& response) { return nlohmann::json::parse(response.body); }

TEST(ResponseError, StatusByCode) {
  EXPECT_EQ(Response::error(Error::invalid("bad")).status, 422);
  EXPECT_EQ(Response::error(Error::invalid("bad"), 400).status, 400);
  EXPECT_EQ(Response::error(Error::not_found("gone")).status, 404);
  EXPECT_EQ(Response::error(Error::make(ErrorCode::kConflict, "held by alice")).status, 409);
  EXPECT_EQ(Response::error(Error::make(ErrorCode::kDenied, "no")).status, 403);
  EXPECT_EQ(Response::error(Error::make(ErrorCode::kDenied, "no"), 401).status, 401);
  EXPECT_EQ(Response::error(Error::make(ErrorCode::kUnavailable, "db down")).status, 503);
  EXPECT_EQ(Response::error(Error::internal("bug")).status, 500);
  EXPECT_EQ(Response::error(Error::io("disk")).status, 500);
}

TEST(ResponseError, BodyShapeWithDetails) {
  Error error = Error::invalid("values do not match the schema");
  error.details = {{"/a", "must be a number"}};
  Response response = Response::error(error);
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(body_of(response),
            nlohmann::json::parse(R"({"error":"values do not match the schema","details":[{"location":"/a","message":"must be a number"}]})"));
  EXPECT_EQ(body_of(Response::error(Error::not_found("release shop/web not found"))),
            nlohmann::json::parse(R"({"error":"release shop/web not found"})"));
}

TEST(ResponseError, InternalTextStaysInTheLogNote) {
  Response response = Response::error(Error::internal("sqlite: /var/lib/pier/db: disk I/O error"));
  EXPECT_EQ(body_of(response), nlohmann::json::parse(R"({"error":"internal error"})"));
  EXPECT_THAT(response.log_note, HasSubstr("disk I/O error"));
}

TEST(ResponseError, RetryableUnavailableSaysWhenToRetry) {
  Response retry = Response::error(Error::make(ErrorCode::kUnavailable, "database restarting", Retry::kYes));
  EXPECT_EQ(retry.status, 503);
  EXPECT_EQ(retry.header("Retry-After"), std::to_string(kRetryAfterSeconds));
  EXPECT_EQ(body_of(retry)["error"], "database restarting");
  EXPECT_EQ(Response::error(Error::make(ErrorCode::kUnavailable, "no")).header("Retry-After"), std::nullopt);
}

TEST(Response, JsonSurvivesInvalidUtf8) {
  Response response = Response::json(200, {{"name", std::string("bad \xff byte")}});
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.body, HasSubstr("bad"));
}

TEST(Response, SetHeaderReplaces) {
  Response response = Response::text(200, "x");
  response.set_header("content-type", "text/csv");
  EXPECT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.header("Content-Type"), "text/csv");
}

}  // namespace
}  // namespace pier::server
