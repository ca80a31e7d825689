// The leader election decision table (client-go's rules), the record's JSON
// form and the timing constraints.
#include "kube/lease_decision.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;
using std::chrono::system_clock;

const steady_clock::time_point t0 = steady_clock::time_point{} + 1000s;
// 2026-11-29T11:27:03.123456Z
const system_clock::time_point wall0 = system_clock::time_point{} + 1'795'951'623'123'456us;
const LeaseTiming timing;  // 15 s, 10 s, 2 s

LeaseRecord held_by(std::string holder, int64_t transitions = 3) {
  LeaseRecord record;
  record.holder_identity = std::move(holder);
  record.lease_duration_seconds = 15;
  record.acquire_time = "2026-11-29T10:00:00.000000Z";
  record.renew_time = "2026-11-29T11:00:00.000000Z";
  record.lease_transitions = transitions;
  return record;
}

ElectionSnapshot seen(LeaseRecord record, steady_clock::time_point observed_at, steady_clock::time_point now) {
  ElectionSnapshot snapshot;
  snapshot.lease = LeaseObservation{std::move(record), observed_at};
  snapshot.now = now;
  snapshot.wall_now = wall0;
  return snapshot;
}

TEST(FormatMicroTime, IsRfc3339InUtcWithMicroseconds) {
  EXPECT_EQ(format_micro_time(wall0), "2026-11-29T11:27:03.123456Z");
  EXPECT_EQ(format_micro_time(system_clock::time_point{}), "1970-01-01T00:00:00.000000Z");
}

TEST(DecideLease, NoLeaseCreatesOneHeldByUs) {
  ElectionSnapshot snapshot;
  snapshot.now = t0;
  snapshot.wall_now = wall0;
  LeaseDecision d = decide_lease(snapshot, "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kCreate);
  EXPECT_EQ(d.record.holder_identity, "a");
  EXPECT_EQ(d.record.lease_duration_seconds, 15);
  EXPECT_EQ(d.record.acquire_time, "2026-11-29T11:27:03.123456Z");
  EXPECT_EQ(d.record.renew_time, "2026-11-29T11:27:03.123456Z");
  EXPECT_EQ(d.record.lease_transitions, 0);
}

TEST(DecideLease, AFreeLeaseIsTakenAtOnce) {
  // After a release: no holder, whatever the duration and however recent.
  LeaseRecord released = released_record(held_by("b", 3), wall0);
  LeaseDecision d = decide_lease(seen(released, t0, t0), "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kTakeOver);
  EXPECT_EQ(d.record.holder_identity, "a");
  EXPECT_EQ(d.record.lease_transitions, 4);
  EXPECT_EQ(d.record.acquire_time, "2026-11-29T11:27:03.123456Z");
}

TEST(DecideLease, HeldByAnotherAndFreshMeansWait) {
  LeaseDecision d = decide_lease(seen(held_by("b"), t0, t0 + 14s), "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kWait);
  EXPECT_EQ(d.reason, "held by b, expires in 1s unless renewed");
}

TEST(DecideLease, ExpiryCountsFromOurObservationNotTheRemoteRenewTime) {
  // renewTime says 11:00, half an hour before wall0: a skewed clock on
  // either side. We only saw the record 5 s ago, so it is fresh to us.
  LeaseDecision d = decide_lease(seen(held_by("b"), t0, t0 + 5s), "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kWait);
}

TEST(DecideLease, HeldByAnotherAndExpiredByOurObservationIsTakenOver) {
  LeaseDecision d = decide_lease(seen(held_by("b", 7), t0, t0 + 15s), "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kTakeOver);
  EXPECT_EQ(d.record.holder_identity, "a");
  EXPECT_EQ(d.record.lease_transitions, 8);
  EXPECT_EQ(d.record.lease_duration_seconds, 15);
  EXPECT_EQ(d.reason, "held by b, expired");
}

TEST(DecideLease, TheHoldersOwnDurationIsUsed) {
  LeaseRecord record = held_by("b");
  record.lease_duration_seconds = 60;
  EXPECT_EQ(decide_lease(seen(record, t0, t0 + 30s), "a", timing).action, LeaseAction::kWait);
  EXPECT_EQ(decide_lease(seen(record, t0, t0 + 60s), "a", timing).action, LeaseAction::kTakeOver);
}

TEST(DecideLease, HeldByUsIsRenewedKeepingAcquireTimeAndTransitions) {
  ElectionSnapshot snapshot = seen(held_by("a", 5), t0, t0 + 2s);
  snapshot.leading = true;
  snapshot.last_renewed = t0;
  LeaseDecision d = decide_lease(snapshot, "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kRenew);
  EXPECT_EQ(d.record.holder_identity, "a");
  EXPECT_EQ(d.record.acquire_time, "2026-11-29T10:00:00.000000Z");
  EXPECT_EQ(d.record.renew_time, "2026-11-29T11:27:03.123456Z");
  EXPECT_EQ(d.record.lease_transitions, 5);
}

TEST(DecideLease, HeldByUsAfterARestartIsRenewedToo) {
  // Same identity, not leading yet (client-go: IsLeader is the record's holder).
  EXPECT_EQ(decide_lease(seen(held_by("a"), t0, t0), "a", timing).action, LeaseAction::kRenew);
}

TEST(DecideLease, RenewDeadlinePassedMeansStepDown) {
  ElectionSnapshot snapshot = seen(held_by("a"), t0, t0 + 10s);
  snapshot.leading = true;
  snapshot.last_renewed = t0;
  LeaseDecision d = decide_lease(snapshot, "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kStepDown);
  EXPECT_EQ(d.reason, "no successful renewal for 10s");
  snapshot.now = t0 + 9999ms;
  EXPECT_EQ(decide_lease(snapshot, "a", timing).action, LeaseAction::kRenew);
}

TEST(DecideLease, StepDownComesFirstEvenWithoutALease) {
  ElectionSnapshot snapshot;
  snapshot.leading = true;
  snapshot.last_renewed = t0;
  snapshot.now = t0 + 11s;
  EXPECT_EQ(decide_lease(snapshot, "a", timing).action, LeaseAction::kStepDown);
}

TEST(DecideLease, LeadingButAnotherHolderMeansStepDown) {
  ElectionSnapshot snapshot = seen(held_by("b"), t0, t0 + 1s);
  snapshot.leading = true;
  snapshot.last_renewed = t0;
  LeaseDecision d = decide_lease(snapshot, "a", timing);
  EXPECT_EQ(d.action, LeaseAction::kStepDown);
  EXPECT_EQ(d.reason, "the lease is held by b");
}

TEST(DecideLease, LeadingAndTheLeaseWasDeletedRecreatesIt) {
  ElectionSnapshot snapshot;
  snapshot.leading = true;
  snapshot.last_renewed = t0;
  snapshot.now = t0 + 2s;
  EXPECT_EQ(decide_lease(snapshot, "a", timing).action, LeaseAction::kCreate);
}

TEST(ReleasedRecord, ClearsTheHolderWithAOneSecondDuration) {
  LeaseRecord released = released_record(held_by("a", 6), wall0);
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 6);
  EXPECT_EQ(released.renew_time, "2026-11-29T11:27:03.123456Z");
}

TEST(Observe, KeepsTheFirstSightingOfAnUnchangedRecord) {
  LeaseObservation first = observe(std::nullopt, held_by("b"), t0);
  EXPECT_EQ(first.observed_at, t0);
  EXPECT_EQ(observe(first, held_by("b"), t0 + 5s).observed_at, t0);
  LeaseRecord renewed = held_by("b");
  renewed.renew_time = "2026-11-29T11:00:02.000000Z";
  EXPECT_EQ(observe(first, renewed, t0 + 5s).observed_at, t0 + 5s);
}

TEST(LeaseRecord, ReadsAndWritesTheLeaseSpec) {
  nlohmann::json lease = make_lease("pier-system", "lb-sync", held_by("a", 2));
  EXPECT_EQ(lease["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(lease["kind"], "Lease");
  EXPECT_EQ(lease["metadata"]["namespace"], "pier-system");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "a");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 2);
  EXPECT_EQ(LeaseRecord::of(lease), held_by("a", 2));

  lease["metadata"]["resourceVersion"] = "42";
  lease["spec"]["strategy"] = "OldestEmulationVersion";
  LeaseRecord record;  // no times: the fields are left out
  record.write_to(lease);
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(lease["spec"]["strategy"], "OldestEmulationVersion");
  EXPECT_FALSE(lease["spec"].contains("renewTime"));
  EXPECT_EQ(LeaseRecord::of(nlohmann::json::object()), LeaseRecord{});
}

TEST(ValidateTiming, HasClientGosConstraints) {
  EXPECT_TRUE(validate(LeaseTiming{}));
  EXPECT_FALSE(validate(LeaseTiming{10s, 10'000ms, 2'000ms}));  // lease must outlast the deadline
  EXPECT_FALSE(validate(LeaseTiming{15s, 2'400ms, 2'000ms}));   // deadline <= 1.2 x retry
  EXPECT_TRUE(validate(LeaseTiming{15s, 2'401ms, 2'000ms}));
  EXPECT_FALSE(validate(LeaseTiming{0s, 0ms, 0ms}));
  auto error = validate(LeaseTiming{10s, 10'000ms, 2'000ms}).error();
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace pier::kube
