#include "server/health.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HealthTest : public testing::ServerTest {};

TEST_F(HealthTest, ReadyWhenEveryCheckPassesAndNamesTheFailingOnes) {
  std::atomic<bool> database_up{true};
  start();
  server_->health().add_check("database", [&]() -> Result<void> {
    if (database_up) return {};
    return fail(Error::make(ErrorCode::kUnavailable, "connection refused by 10.0.0.3:5432"));
  });
  server_->health().add_check("catalog", []() -> Result<void> { return {}; });

  auto ready = testing::get(url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready.body),
            nlohmann::json::parse(R"({"status":"ready","checks":[{"name":"database","ok":true},{"name":"catalog","ok":true}]})"));

  database_up = false;
  auto not_ready = testing::get(url("/readyz"));
  EXPECT_EQ(not_ready.status, 503);
  auto body = nlohmann::json::parse(not_ready.body);
  EXPECT_EQ(body["error"], "not ready: database");
  EXPECT_EQ(body["checks"][0]["ok"], false);
  EXPECT_THAT(not_ready.body, Not(HasSubstr("10.0.0.3")));  // the reason goes to the log only
  EXPECT_THAT(log_text(), HasSubstr("connection refused by 10.0.0.3:5432"));

  EXPECT_EQ(testing::get(url("/healthz")).status, 200);  // alive all the same
}

TEST(Health, AThrowingCheckFailsAndShuttingDownIsNotReady) {
  Health health(Logger(std::make_shared<MemoryLogSink>(), "health"));
  health.add_check("flaky", []() -> Result<void> { throw std::runtime_error("boom"); });
  auto results = health.run_checks();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
  EXPECT_THAT(results[0].message, HasSubstr("boom"));

  Health empty(Logger(std::make_shared<MemoryLogSink>(), "health"));
  EXPECT_EQ(empty.readyz(Request{}).status, 200);
  empty.set_shutting_down();
  EXPECT_EQ(empty.readyz(Request{}).status, 503);
  EXPECT_EQ(empty.healthz(Request{}).status, 200);
}

}  // namespace
}  // namespace pier::server
