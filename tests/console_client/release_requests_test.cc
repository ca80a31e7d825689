#include "console_client/release_requests.h"

#include <gtest/gtest.h>

namespace pier::console_client {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

TEST(ReleaseRequests, DeployBodyHasEveryFieldAndLeavesOutEmptyStrings) {
  DeployRequest minimal{.app = "jetty"};
  EXPECT_EQ(minimal.to_json(), json::parse(R"({"app": "jetty", "values": {}, "dry_run": false, "wait": false,
      "timeout_seconds": 300, "force_conflicts": false, "auto_rollback": false})"));

  DeployRequest full{.app = "jetty",
                     .preset = "large",
                     .team = "shop",
                     .values = json::parse(R"({"jetty": {"replicas": 4}})"),
                     .message = "more replicas",
                     .dry_run = true,
                     .wait = true,
                     .timeout = milliseconds(90'000),
                     .force_conflicts = true,
                     .auto_rollback = true};
  EXPECT_EQ(full.to_json(), json::parse(R"({"app": "jetty", "preset": "large", "team": "shop",
      "values": {"jetty": {"replicas": 4}}, "message": "more replicas", "dry_run": true, "wait": true,
      "timeout_seconds": 90, "force_conflicts": true, "auto_rollback": true})"));
}

TEST(ReleaseRequests, RollbackBody) {
  RollbackRequest rollback{.revision = 3, .message = "4 crashes", .wait = true, .timeout = milliseconds(60'000)};
  EXPECT_EQ(rollback.to_json(), json::parse(R"({"revision": 3, "message": "4 crashes", "dry_run": false, "wait": true,
      "timeout_seconds": 60})"));
  EXPECT_FALSE(RollbackRequest{.revision = 3}.to_json().contains("message"));
}

TEST(ReleaseRequests, TimeoutsRoundUpToWholeSeconds) {
  EXPECT_EQ(timeout_seconds(milliseconds(2500)), 3);
  EXPECT_EQ(timeout_seconds(milliseconds(3000)), 3);
  EXPECT_EQ(timeout_seconds(milliseconds(0)), 1);
  EXPECT_EQ(timeout_seconds(milliseconds(300'000)), 300);
}

}  // namespace
}  // namespace pier::console_client
