#include "server/access_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactQuery, HidesValuesOfSecretNames) {
  EXPECT_EQ(redact_query("limit=5&token=abc&Password=x&api_key=k&access_token=t&q=token"),
            "limit=5&token=REDACTED&Password=REDACTED&api_key=REDACTED&access_token=REDACTED&q=token");
  EXPECT_EQ(redact_query("%74oken=abc"), "%74oken=REDACTED");  // encoded names too
  EXPECT_EQ(redact_query("flag&x=1"), "flag&x=1");
}

TEST(AccessLog, OneLineWithTheRequestsFacts) {
  auto sink = std::make_shared<MemoryLogSink>();
  Logger logger(sink, "http");
  log_access(logger, AccessRecord{"GET", "/api/v1/releases/{name}", "/api/v1/releases/web", "token=s3cret&limit=2",
                                  200, 1.23456, 512, "127.0.0.1:5000", "req-1", "alice"});
  auto line = nlohmann::json::parse(sink->lines().at(0));
  EXPECT_EQ(line["msg"], "request");
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["route"], "/api/v1/releases/{name}");
  EXPECT_EQ(line["path"], "/api/v1/releases/web");
  EXPECT_EQ(line["query"], "token=REDACTED&limit=2");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["duration_ms"], 1.23);
  EXPECT_EQ(line["bytes"], 512);
  EXPECT_EQ(line["remote"], "127.0.0.1:5000");
  EXPECT_EQ(line["request_id"], "req-1");
  EXPECT_EQ(line["user"], "alice");
}

class AccessLogServerTest : public testing::ServerTest {};

TEST_F(AccessLogServerTest, NeverLogsTheAuthorizationHeaderSecretQueryValuesOrBodies) {
  router_.set_authenticator([](std::string_view token) -> Result<Principal> {
    if (token == "tok-SECRET-123") return Principal{"alice", Role::kAdmin};
    return fail(Error::make(ErrorCode::kDenied, "unknown"));
  });
  router_.post("/api/v1/login", [](const Request&) { return Response::json(200, {{"ok", true}}); },
               Access::at_least(Role::kViewer));
  start();
  testing::ClientRequest request;
  request.method = "POST";
  request.url = url("/api/v1/login?password=hunter2&view=full");
  request.headers = {"Authorization: Bearer tok-SECRET-123", "Cookie: session=COOKIE-SECRET"};
  request.body = R"({"password":"BODY-SECRET"})";
  ASSERT_EQ(testing::send(request).status, 200);
  server_->stop(std::chrono::seconds(2));  // the access line is written after the response

  std::string log = log_text();
  EXPECT_THAT(log, HasSubstr(R"("route":"/api/v1/login")"));
  EXPECT_THAT(log, HasSubstr(R"("user":"alice")"));
  EXPECT_THAT(log, HasSubstr(R"("query":"password=REDACTED&view=full")"));
  for (const char* secret : {"tok-SECRET-123", "hunter2", "COOKIE-SECRET", "BODY-SECRET", "Bearer"})
    EXPECT_THAT(log, Not(HasSubstr(secret))) << secret;
}

}  // namespace
}  // namespace pier::server
