#include "store/operation_lease.h"

#include <gtest/gtest.h>

namespace pier::store {
namespace {

using std::chrono::seconds;

const Timestamp kStart{seconds(1767225600)};  // 2026-01-01T00:00:00Z

Operation running(Timestamp expires) {
  Operation op;
  op.id = OperationId{41};
  op.key = {"prod", "shop", "web"};
  op.kind = "upgrade";
  op.user = "bob";
  op.holder = "pier-1/7";
  op.status = OperationStatus::kRunning;
  op.started_at = kStart;
  op.lease_expires_at = expires;
  return op;
}

TEST(OperationLeaseTest, States) {
  EXPECT_EQ(lease_state(std::nullopt, kStart), LeaseState::kFree);
  EXPECT_EQ(lease_state(running(kStart + seconds(30)), kStart + seconds(29)), LeaseState::kHeld);
  EXPECT_EQ(lease_state(running(kStart + seconds(30)), kStart + seconds(30)), LeaseState::kLapsed);
  Operation done = running(kStart + seconds(30));
  done.status = OperationStatus::kSucceeded;
  EXPECT_EQ(lease_state(done, kStart), LeaseState::kFree);
}

TEST(OperationLeaseTest, BusyErrorSaysWhoAndSinceWhen) {
  Error error = release_busy_error(running(kStart + seconds(30)));
  EXPECT_EQ(error.code, ErrorCode::kConflict);
  EXPECT_EQ(error.message,
            "release prod/shop/web is busy: upgrade by bob (operation 41, holder pier-1/7) running since "
            "2026-01-01T00:00:00.000Z, lease until 2026-01-01T00:00:30.000Z");
}

TEST(OperationLeaseTest, LapsedMessage) {
  EXPECT_EQ(lapsed_lease_message(running(kStart + seconds(30)), kStart + seconds(45)),
            "interrupted: holder pier-1/7 stopped renewing its lease (expired 2026-01-01T00:00:30.000Z, noticed "
            "2026-01-01T00:00:45.000Z)");
}

TEST(OperationLeaseTest, TimestampsAreUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(kStart + std::chrono::milliseconds(1250)), "2026-01-01T00:00:01.250Z");
  EXPECT_EQ(format_timestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace pier::store
