// Which problems end a rollout now: all but Unschedulable within its grace.
#include "kube/fail_fast.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using namespace std::chrono_literals;

PodProblem problem(std::string pod, std::string reason) {
  PodProblem p;
  p.pod = std::move(pod);
  p.reason = std::move(reason);
  if (p.reason != "Unschedulable") p.container = "web";
  return p;
}

const std::chrono::steady_clock::time_point t0{};

TEST(FailFastTracker, ContainerProblemsAreFatalAtOnce) {
  FailFastTracker tracker(2min);
  auto fatal = tracker.fatal({problem("a", "ImagePullBackOff"), problem("b", "CrashLoopBackOff")}, t0);
  EXPECT_EQ(fatal.size(), 2u);
}

TEST(FailFastTracker, UnschedulableIsFatalAfterItsGrace) {
  FailFastTracker tracker(2min);
  EXPECT_TRUE(tracker.fatal({problem("a", "Unschedulable")}, t0).empty());
  EXPECT_TRUE(tracker.fatal({problem("a", "Unschedulable")}, t0 + 119s).empty());
  auto fatal = tracker.fatal({problem("a", "Unschedulable")}, t0 + 120s);
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0].pod, "a");
}

TEST(FailFastTracker, GraceStartsOverWhenTheProblemGoes) {
  FailFastTracker tracker(2min);
  tracker.fatal({problem("a", "Unschedulable")}, t0);
  tracker.fatal({}, t0 + 60s);  // scheduled for a while
  EXPECT_TRUE(tracker.fatal({problem("a", "Unschedulable")}, t0 + 130s).empty());
  EXPECT_EQ(tracker.fatal({problem("a", "Unschedulable")}, t0 + 250s).size(), 1u);
}

TEST(FailFastTracker, EachPodHasItsOwnGrace) {
  FailFastTracker tracker(2min);
  tracker.fatal({problem("a", "Unschedulable")}, t0);
  auto fatal = tracker.fatal({problem("a", "Unschedulable"), problem("b", "Unschedulable")}, t0 + 120s);
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0].pod, "a");
}

TEST(FailFastTracker, ZeroGraceMakesEverythingFatalAtOnce) {
  FailFastTracker tracker(0s);
  EXPECT_EQ(tracker.fatal({problem("a", "Unschedulable")}, t0).size(), 1u);
}

}  // namespace
}  // namespace pier::kube
