#include "release/deploy_events.h"

#include <gtest/gtest.h>

namespace pier::release {
namespace {

using nlohmann::json;

const ObjectKey kDeployment{"apps", "Deployment", "shop", "web"};

TEST(DeployEvents, MessagesSayWhatHappened) {
  EXPECT_EQ(validated_event().message, "values are valid");
  EXPECT_EQ(rendered_event(6).message, "rendered 6 objects");
  EXPECT_EQ(rendered_event(1).message, "rendered 1 object");
  EXPECT_EQ(diffed_event({.added = 1, .changed = 2, .removed = 0, .unchanged = 3}).message,
            "diff: 1 added, 2 changed, 0 removed, 3 unchanged");
  EXPECT_EQ(applied_event(3, 6, kDeployment).message, "applied 3/6: Deployment shop/web");
  EXPECT_EQ(removed_event(1, 1, {"autoscaling", "HorizontalPodAutoscaler", "shop", "web"}).message,
            "removed 1/1: HorizontalPodAutoscaler shop/web");
  EXPECT_EQ(rollout_event(kDeployment, "Waiting for deployment \"web\" rollout to finish: 3 of 5 updated replicas are available...")
                .message,
            "Waiting for deployment \"web\" rollout to finish: 3 of 5 updated replicas are available...");
  EXPECT_EQ(interrupted_event("after applying 2 of 6 objects").message, "interrupted after applying 2 of 6 objects");
}

TEST(DeployEvents, AsJsonTypeMessageAndFields) {
  json j = applied_event(3, 6, kDeployment).to_json();
  EXPECT_EQ(j, json::parse(R"({"type": "applied", "message": "applied 3/6: Deployment shop/web", "index": 3, "count": 6,
                               "object": {"group": "apps", "kind": "Deployment", "namespace": "shop", "name": "web"}})"));
  json diffed = diffed_event({.added = 6}).to_json();
  EXPECT_EQ(diffed["type"], "diffed");
  EXPECT_EQ(diffed["added"], 6);
}

TEST(DeployEvents, PodProblemsCarryPodContainerReasonAndMessage) {
  PodProblemReport problem{"web-7d9f-abcde", "web", "CrashLoopBackOff", "back-off 40s restarting failed container",
                           "pod web-7d9f-abcde: container web: CrashLoopBackOff: back-off 40s restarting failed container"};
  json j = pod_problem_event(kDeployment, problem).to_json();
  EXPECT_EQ(j["type"], "pod_problem");
  EXPECT_EQ(j["pod"], "web-7d9f-abcde");
  EXPECT_EQ(j["container"], "web");
  EXPECT_EQ(j["reason"], "CrashLoopBackOff");
  EXPECT_EQ(j["detail"], "back-off 40s restarting failed container");
  EXPECT_EQ(j["message"], problem.description);
}

TEST(DeployEvents, FailedCarriesTheErrorsDetails) {
  Error error = Error::invalid("values do not match the schema");
  error.details = {{"/jetty/replicas", "expected integer"}};
  DeployEvent event = failed_event(error);
  EXPECT_EQ(event.message, "failed: values do not match the schema");
  json j = event.to_json();
  EXPECT_EQ(j["code"], "invalid_input");
  EXPECT_EQ(j["details"][0]["location"], "/jetty/replicas");
  EXPECT_TRUE(event.is_final());
  EXPECT_FALSE(rendered_event(1).is_final());
  EXPECT_TRUE(done_event("deployed", false).is_final());
  EXPECT_TRUE(interrupted_event("x").is_final());
}

TEST(DeployEvents, ReadBackFromTheStore) {
  for (const DeployEvent& event : {validated_event(), applied_event(1, 2, kDeployment), done_event("ok", true)}) {
    auto again = DeployEvent::from_json(json::parse(event.to_json().dump()));
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->type, event.type);
    EXPECT_EQ(again->message, event.message);
    EXPECT_EQ(again->fields, event.fields);
  }
  EXPECT_FALSE(DeployEvent::from_json(json::parse(R"({"type": "exploded", "message": "x"})")));
  EXPECT_FALSE(DeployEvent::from_json(json::parse(R"({"message": "x"})")));
  EXPECT_FALSE(DeployEvent::from_json(json::array()));
}

TEST(DeployEvents, TypeNamesReadBack) {
  for (auto type : {DeployEventType::kValidated, DeployEventType::kRendered, DeployEventType::kDiffed,
                    DeployEventType::kApplied, DeployEventType::kRemoved, DeployEventType::kRollout,
                    DeployEventType::kPodProblem, DeployEventType::kDone, DeployEventType::kFailed,
                    DeployEventType::kInterrupted})
    EXPECT_EQ(parse_deploy_event_type(to_string(type)), type);
}

}  // namespace
}  // namespace pier::release
