#include "release/release_status.h"

#include <gtest/gtest.h>

namespace pier::release {
namespace {

TEST(ReleaseStatus, NamesReadBack) {
  for (auto s : {ReleaseStatus::kPending, ReleaseStatus::kDeployed, ReleaseStatus::kFailed, ReleaseStatus::kSuperseded,
                 ReleaseStatus::kInterrupted})
    EXPECT_EQ(parse_release_status(to_string(s)), s);
  EXPECT_EQ(to_string(ReleaseStatus::kSuperseded), "superseded");
  EXPECT_FALSE(parse_release_status("Deployed"));
}

TEST(ReleaseStatus, PendingEndsDeployedFailedOrInterrupted) {
  EXPECT_TRUE(can_transition(ReleaseStatus::kPending, ReleaseStatus::kDeployed));
  EXPECT_TRUE(can_transition(ReleaseStatus::kPending, ReleaseStatus::kFailed));
  EXPECT_TRUE(can_transition(ReleaseStatus::kPending, ReleaseStatus::kInterrupted));
  EXPECT_FALSE(can_transition(ReleaseStatus::kPending, ReleaseStatus::kSuperseded));
}

TEST(ReleaseStatus, OnlyADeployedRevisionIsSuperseded) {
  EXPECT_TRUE(can_transition(ReleaseStatus::kDeployed, ReleaseStatus::kSuperseded));
  EXPECT_FALSE(can_transition(ReleaseStatus::kFailed, ReleaseStatus::kSuperseded));
  EXPECT_FALSE(can_transition(ReleaseStatus::kInterrupted, ReleaseStatus::kDeployed));
  EXPECT_FALSE(can_transition(ReleaseStatus::kSuperseded, ReleaseStatus::kDeployed));
  EXPECT_FALSE(can_transition(ReleaseStatus::kDeployed, ReleaseStatus::kDeployed));
  EXPECT_FALSE(is_final(ReleaseStatus::kPending));
  EXPECT_TRUE(is_final(ReleaseStatus::kInterrupted));
}

}  // namespace
}  // namespace pier::release
