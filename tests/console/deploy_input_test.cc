#include "console/deploy_input.h"

#include <gtest/gtest.h>

namespace pier::console {
namespace {

using nlohmann::json;

const store::ReleaseKey kKey{"local", "shop", "web"};

TEST(DeployInput, ReadsEveryField) {
  auto input = parse_deploy_input(kKey, json::parse(R"({"app":"jetty","preset":"large","team":"pay",
      "values":{"jetty":{"replicas":3}},"message":"more","dry_run":true,"wait":false,"timeout_seconds":60,
      "force_conflicts":true,"auto_rollback":true})"));
  ASSERT_TRUE(input) << input.error().describe();
  EXPECT_EQ(input->app, "jetty");
  EXPECT_EQ(input->preset, "large");
  EXPECT_EQ(input->team, "pay");
  EXPECT_EQ(input->values["jetty"]["replicas"], 3);
  EXPECT_TRUE(input->settings.dry_run);
  EXPECT_FALSE(input->settings.wait);
  EXPECT_EQ(input->settings.timeout, std::chrono::seconds(60));
  EXPECT_TRUE(input->settings.force_conflicts);
  EXPECT_TRUE(input->auto_rollback);
}

TEST(DeployInput, DefaultsAreWaitFiveMinutesNoPreset) {
  auto input = parse_deploy_input(kKey, json::parse(R"({"app":"jetty"})"));
  ASSERT_TRUE(input);
  EXPECT_FALSE(input->preset);
  EXPECT_TRUE(input->settings.wait);
  EXPECT_FALSE(input->settings.dry_run);
  EXPECT_EQ(input->settings.timeout, std::chrono::minutes(5));
  EXPECT_EQ(input->values, json::object());
}

TEST(DeployInput, EveryProblemIsReportedAtItsPointer) {
  auto input = parse_deploy_input(kKey, json::parse(R"({"values":[1],"wait":"yes","timeout_seconds":0,"colour":1})"));
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().code, ErrorCode::kInvalidInput);
  std::vector<std::string> locations;
  for (const auto& d : input.error().details) locations.push_back(d.location);
  EXPECT_EQ(locations, (std::vector<std::string>{"/colour", "/app", "/values", "/wait", "/timeout_seconds"}));
}

TEST(DeployInput, NotAnObject) {
  auto input = parse_deploy_input(kKey, json::array());
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().code, ErrorCode::kInvalidInput);
}

TEST(RollbackInput, NeedsARevision) {
  auto input = parse_rollback_input(kKey, json::parse(R"({"message":"x"})"));
  ASSERT_FALSE(input);
  ASSERT_EQ(input.error().details.size(), 1u);
  EXPECT_EQ(input.error().details[0].location, "/revision");
  auto ok = parse_rollback_input(kKey, json::parse(R"({"revision":3,"dry_run":true})"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->revision, 3);
  EXPECT_TRUE(ok->settings.dry_run);
  EXPECT_FALSE(parse_rollback_input(kKey, json::parse(R"({"revision":0})")));
  EXPECT_FALSE(parse_rollback_input(kKey, json::parse(R"({"revision":"3"})")));
}

}  // namespace
}  // namespace pier::console
