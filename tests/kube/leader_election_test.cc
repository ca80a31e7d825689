// The leader election loop against an in-memory API server and a fake
// clock: creation, renewal, conflicts between candidates, takeover after
// release and after expiry, the renew deadline, and run()'s callbacks.
#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "control_fake_clock.h"
#include "control_fake_transport.h"

namespace pier::kube {
namespace {

using namespace std::chrono_literals;
using testing::ControlFakeClock;
using testing::ControlFakeTransport;

class LeaderElectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<LeaderElector> make(const std::string& identity, LeaderCallbacks callbacks = {},
                                      ControlFakeClock* clock = nullptr) {
    LeaderElectionOptions options;
    options.lease_namespace = "pier-system";
    options.lease_name = "lb-sync";
    options.identity = identity;
    options.jitter_factor = 0;  // deterministic steps
    ControlFakeClock& c = clock != nullptr ? *clock : clock_;
    auto elector = LeaderElector::create(client_, options, std::move(callbacks), c, c);
    EXPECT_TRUE(elector) << elector.error().message;
    return std::move(*elector);
  }

  LeaseRecord lease() const {
    auto stored = server_->stored("Lease", "pier-system", "lb-sync");
    return stored ? LeaseRecord::of(*stored) : LeaseRecord{};
  }

  ControlFakeClock clock_;
  std::shared_ptr<ControlFakeTransport> server_ = std::make_shared<ControlFakeTransport>();
  Client client_{server_, "test"};
};

TEST_F(LeaderElectionTest, TheFirstCandidateCreatesTheLeaseAndTheOtherWaits) {
  auto a = make("a");
  auto b = make("b");
  auto first = a->try_acquire_or_renew();
  EXPECT_EQ(first.action, LeaseAction::kCreate);
  EXPECT_TRUE(first.leading);
  EXPECT_TRUE(a->is_leader());
  EXPECT_EQ(lease().holder_identity, "a");
  EXPECT_EQ(lease().lease_duration_seconds, 15);
  EXPECT_EQ(lease().lease_transitions, 0);
  EXPECT_EQ(lease().acquire_time, "2026-11-29T11:27:03.000000Z");

  auto second = b->try_acquire_or_renew();
  EXPECT_EQ(second.action, LeaseAction::kWait);
  EXPECT_FALSE(second.leading);
  EXPECT_FALSE(b->is_leader());
  EXPECT_EQ(b->state().holder, "a");
}

TEST_F(LeaderElectionTest, TheLeaderRenewsKeepingItsAcquireTime) {
  auto a = make("a");
  a->try_acquire_or_renew();
  clock_.advance(2s);
  auto renewal = a->try_acquire_or_renew();
  EXPECT_EQ(renewal.action, LeaseAction::kRenew);
  EXPECT_TRUE(renewal.leading);
  EXPECT_EQ(lease().acquire_time, "2026-11-29T11:27:03.000000Z");
  EXPECT_EQ(lease().renew_time, "2026-11-29T11:27:05.000000Z");
  EXPECT_EQ(lease().lease_transitions, 0);
}

TEST_F(LeaderElectionTest, OnlyOneLeadsWhileTheLeaderRenews) {
  auto a = make("a");
  auto b = make("b");
  a->try_acquire_or_renew();
  for (int step = 0; step < 30; ++step) {  // a minute
    clock_.advance(2s);
    EXPECT_TRUE(a->try_acquire_or_renew().leading);
    EXPECT_FALSE(b->try_acquire_or_renew().leading);
    EXPECT_FALSE(a->is_leader() && b->is_leader());
  }
  EXPECT_EQ(lease().holder_identity, "a");
}

TEST_F(LeaderElectionTest, WhenTwoCandidatesRaceTheConflictLetsOneWin) {
  auto a = make("a");
  auto b = make("b");
  // A released lease: both may take it. b writes between a's read and a's write.
  LeaseRecord free_record =
      released_record(LeaseRecord{.holder_identity = "old", .lease_transitions = 4}, clock_.wall_now());
  server_->store(make_lease("pier-system", "lb-sync", free_record));
  bool raced = false;
  server_->before_request = [&](const HttpRequest& request) {
    if (request.method == "PUT" && request.body.find("\"holderIdentity\":\"a\"") != std::string::npos && !raced) {
      raced = true;
      EXPECT_TRUE(b->try_acquire_or_renew().leading);
    }
  };
  auto attempt = a->try_acquire_or_renew();
  ASSERT_TRUE(raced);
  EXPECT_EQ(attempt.action, LeaseAction::kTakeOver);
  EXPECT_FALSE(attempt.leading);
  ASSERT_TRUE(attempt.error);
  EXPECT_EQ(attempt.error->code, ErrorCode::kConflict);
  EXPECT_FALSE(a->is_leader());
  EXPECT_TRUE(b->is_leader());
  EXPECT_EQ(lease().holder_identity, "b");
  EXPECT_EQ(lease().lease_transitions, 5);  // one transition, not two

  server_->before_request = nullptr;
  clock_.advance(2s);
  EXPECT_EQ(a->try_acquire_or_renew().action, LeaseAction::kWait);
}

TEST_F(LeaderElectionTest, AnotherCandidateTakesOverRightAfterARelease) {
  auto a = make("a");
  auto b = make("b");
  a->try_acquire_or_renew();
  b->try_acquire_or_renew();
  ASSERT_TRUE(a->release());
  EXPECT_FALSE(a->is_leader());
  EXPECT_EQ(lease().holder_identity, "");
  EXPECT_EQ(lease().lease_duration_seconds, 1);

  clock_.advance(1ms);
  auto attempt = b->try_acquire_or_renew();
  EXPECT_EQ(attempt.action, LeaseAction::kTakeOver);
  EXPECT_TRUE(b->is_leader());
  EXPECT_EQ(lease().holder_identity, "b");
  EXPECT_EQ(lease().lease_transitions, 1);
  EXPECT_EQ(b->state().transitions, 1);
}

TEST_F(LeaderElectionTest, ReleasingALeaseWeDoNotHoldWritesNothing) {
  auto a = make("a");
  auto b = make("b");
  a->try_acquire_or_renew();
  b->try_acquire_or_renew();
  int puts = server_->count("PUT", "/leases/");
  EXPECT_TRUE(b->release());
  EXPECT_EQ(server_->count("PUT", "/leases/"), puts);
  EXPECT_EQ(lease().holder_identity, "a");
}

TEST_F(LeaderElectionTest, AnotherCandidateTakesOverAfterExpiryByItsOwnObservation) {
  auto a = make("a");
  auto b = make("b");
  a->try_acquire_or_renew();
  clock_.advance(1s);
  b->try_acquire_or_renew();  // b first sees a's record now
  // a goes silent (its process hangs). b keeps trying every 2 s.
  for (int waited = 2; waited < 15; waited += 2) {
    clock_.advance(2s);
    EXPECT_EQ(b->try_acquire_or_renew().action, LeaseAction::kWait) << "after " << waited << "s";
    // a stops acting 10 s after its last renewal, before b may take over.
    EXPECT_EQ(a->is_leader(), waited + 1 < 10) << "after " << waited << "s";
  }
  clock_.advance(1s);  // 15 s since b saw a's last renewal
  auto takeover = b->try_acquire_or_renew();
  EXPECT_EQ(takeover.action, LeaseAction::kTakeOver);
  EXPECT_TRUE(b->is_leader());
  EXPECT_EQ(lease().holder_identity, "b");
  EXPECT_EQ(lease().lease_transitions, 1);

  // a wakes up: its deadline has long passed, it steps down without writing.
  int puts = server_->count("PUT", "/leases/");
  auto late = a->try_acquire_or_renew();
  EXPECT_EQ(late.action, LeaseAction::kStepDown);
  EXPECT_FALSE(late.leading);
  EXPECT_EQ(server_->count("PUT", "/leases/"), puts);
  clock_.advance(2s);
  EXPECT_EQ(a->try_acquire_or_renew().action, LeaseAction::kWait);
}

TEST_F(LeaderElectionTest, ExpiryIgnoresTheRemoteRenewTime) {
  // A record renewed "an hour ago" by a skewed clock is still fresh the
  // first time we see it.
  server_->store(make_lease("pier-system", "lb-sync",
                            {.holder_identity = "b",
                             .lease_duration_seconds = 15,
                             .acquire_time = "2026-11-29T10:00:00.000000Z",
                             .renew_time = "2026-11-29T10:27:03.000000Z"}));
  auto a = make("a");
  EXPECT_EQ(a->try_acquire_or_renew().action, LeaseAction::kWait);
  clock_.advance(15s);
  EXPECT_EQ(a->try_acquire_or_renew().action, LeaseAction::kTakeOver);
}

TEST_F(LeaderElectionTest, FailedRenewalsEndLeadershipAtTheDeadline) {
  auto a = make("a");
  a->try_acquire_or_renew();
  server_->fail_next("GET", "/leases/lb-sync", 500, 100);
  for (int waited = 2; waited < 10; waited += 2) {
    clock_.advance(2s);
    auto attempt = a->try_acquire_or_renew();
    ASSERT_TRUE(attempt.error);
    EXPECT_EQ(attempt.error->code, ErrorCode::kUnavailable);
    EXPECT_TRUE(attempt.leading) << "after " << waited << "s";
  }
  clock_.advance(2s);
  auto attempt = a->try_acquire_or_renew();
  EXPECT_EQ(attempt.action, LeaseAction::kStepDown);
  EXPECT_FALSE(attempt.leading);
  EXPECT_FALSE(a->is_leader());
}

TEST_F(LeaderElectionTest, ALeaderSeeingAnotherHolderStepsDown) {
  auto a = make("a");
  a->try_acquire_or_renew();
  auto lease_object = *server_->stored("Lease", "pier-system", "lb-sync");
  LeaseRecord{.holder_identity = "intruder", .lease_duration_seconds = 15}.write_to(lease_object);
  server_->store(lease_object);
  clock_.advance(2s);
  EXPECT_EQ(a->try_acquire_or_renew().action, LeaseAction::kStepDown);
  EXPECT_FALSE(a->is_leader());
  EXPECT_EQ(a->state().holder, "intruder");
}

TEST_F(LeaderElectionTest, NewLeadersAreReportedOnce) {
  std::vector<std::string> seen;
  auto b = make("b", {.on_new_leader = [&](const std::string& who) { seen.push_back(who); }});
  auto a = make("a");
  a->try_acquire_or_renew();
  b->try_acquire_or_renew();
  clock_.advance(2s);
  a->try_acquire_or_renew();
  b->try_acquire_or_renew();
  ASSERT_TRUE(a->release());
  b->try_acquire_or_renew();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST_F(LeaderElectionTest, CreateChecksTheOptions) {
  LeaderElectionOptions options;
  options.lease_namespace = "pier-system";
  auto missing_name = LeaderElector::create(client_, options, {}, clock_, clock_);
  ASSERT_FALSE(missing_name);
  EXPECT_EQ(missing_name.error().code, ErrorCode::kInvalidInput);

  options.lease_name = "lb-sync";
  options.timing.renew_deadline = 20s;  // longer than the lease
  EXPECT_FALSE(LeaderElector::create(client_, options, {}, clock_, clock_));

  options.timing = {};
  auto elector = LeaderElector::create(client_, options, {}, clock_, clock_);
  ASSERT_TRUE(elector);
  EXPECT_EQ((*elector)->identity(), default_leader_identity());
  EXPECT_NE(default_leader_identity().find('_'), std::string::npos);
}

// run() on threads, time moved by hand.
class LeaderElectionRunTest : public LeaderElectionTest {
 protected:
  ControlFakeClock manual_{ControlFakeClock::Mode::kManual};
};

// Records what run()'s callbacks saw; on_started_leading waits for its token.
struct Leadership {
  std::mutex mutex;
  std::condition_variable_any changed;
  bool started = false;
  bool work_stopped = false;
  bool stopped_leading = false;

  LeaderCallbacks callbacks() {
    return {.on_started_leading =
                [this](std::stop_token lost) {
                  std::unique_lock lock(mutex);
                  started = true;
                  changed.notify_all();
                  changed.wait(lock, lost, [] { return false; });
                  work_stopped = true;
                  changed.notify_all();
                },
            .on_stopped_leading =
                [this] {
                  std::lock_guard lock(mutex);
                  stopped_leading = true;
                  changed.notify_all();
                }};
  }
  bool wait_started() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return started; });
  }
  bool wait_work_stopped() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return work_stopped; });
  }
};

TEST_F(LeaderElectionRunTest, RunLeadsUntilStoppedThenReleases) {
  Leadership leadership;
  auto a = make("a", leadership.callbacks(), &manual_);
  std::atomic<int> end = -1;
  std::jthread runner([&](std::stop_token stop) { end = static_cast<int>(a->run(stop)); });

  ASSERT_TRUE(leadership.wait_started());
  ASSERT_TRUE(manual_.wait_for_sleepers(2));  // the renew loop and the deadline watchdog
  EXPECT_TRUE(a->is_leader());
  for (int i = 0; i < 5; ++i) {
    manual_.advance(2s);
    ASSERT_TRUE(manual_.wait_for_sleepers(2));
  }
  EXPECT_TRUE(a->is_leader());
  EXPECT_EQ(lease().renew_time, "2026-11-29T11:27:13.000000Z");

  runner.request_stop();
  runner.join();
  EXPECT_EQ(end, static_cast<int>(ElectionEnd::kStopped));
  EXPECT_TRUE(leadership.work_stopped);
  EXPECT_TRUE(leadership.stopped_leading);
  EXPECT_FALSE(a->is_leader());
  EXPECT_EQ(lease().holder_identity, "");
  EXPECT_EQ(lease().lease_duration_seconds, 1);
}

TEST_F(LeaderElectionRunTest, RunEndsWhenAnotherHolderTakesTheLease) {
  Leadership leadership;
  auto a = make("a", leadership.callbacks(), &manual_);
  std::atomic<int> end = -1;
  std::jthread runner([&](std::stop_token stop) { end = static_cast<int>(a->run(stop)); });
  ASSERT_TRUE(leadership.wait_started());
  ASSERT_TRUE(manual_.wait_for_sleepers(2));

  auto lease_object = *server_->stored("Lease", "pier-system", "lb-sync");
  LeaseRecord{.holder_identity = "intruder", .lease_duration_seconds = 15}.write_to(lease_object);
  server_->store(lease_object);
  manual_.advance(2s);
  runner.join();
  EXPECT_EQ(end, static_cast<int>(ElectionEnd::kLostLeadership));
  EXPECT_TRUE(leadership.work_stopped);
  EXPECT_TRUE(leadership.stopped_leading);
  EXPECT_EQ(lease().holder_identity, "intruder");  // not ours: not released
}

// Holds the requests it is armed for until released (or destroyed), as an
// API call that hangs on a dead connection would.
class HangingRequests {
 public:
  ~HangingRequests() { release(); }
  void hang_here() {
    std::unique_lock lock(mutex_);
    if (released_) return;
    hanging_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
  }
  bool wait_hanging() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return hanging_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool hanging_ = false, released_ = false;
};

TEST_F(LeaderElectionRunTest, TheDeadlineStopsTheWorkEvenWhileARenewalHangs) {
  Leadership leadership;
  HangingRequests hang;  // outlives the runner
  auto a = make("a", leadership.callbacks(), &manual_);
  std::jthread runner([&](std::stop_token stop) { a->run(stop); });
  struct ReleaseFirst {  // on any way out, before the runner is joined
    HangingRequests& hang;
    ~ReleaseFirst() { hang.release(); }
  } release_first{hang};
  ASSERT_TRUE(leadership.wait_started());
  ASSERT_TRUE(manual_.wait_for_sleepers(2));

  server_->before_request = [&](const HttpRequest& request) {
    if (request.method == "GET" && request.path.find("/leases/") != std::string::npos) hang.hang_here();
  };
  manual_.advance(2s);
  ASSERT_TRUE(hang.wait_hanging());
  EXPECT_FALSE(leadership.work_stopped);
  manual_.advance(8s);  // 10 s since the last renewal, the renewal still hanging
  EXPECT_TRUE(leadership.wait_work_stopped());
  EXPECT_FALSE(a->is_leader());
  hang.release();
  runner.request_stop();
  runner.join();
}

TEST_F(LeaderElectionRunTest, ARenewalThatLandsAfterTheDeadlineDoesNotRestoreLeadership) {
  Leadership leadership;
  HangingRequests hang;
  auto a = make("a", leadership.callbacks(), &manual_);
  std::atomic<int> end = -1;
  std::jthread runner([&](std::stop_token stop) { end = static_cast<int>(a->run(stop)); });
  struct ReleaseFirst {
    HangingRequests& hang;
    ~ReleaseFirst() { hang.release(); }
  } release_first{hang};
  ASSERT_TRUE(leadership.wait_started());
  ASSERT_TRUE(manual_.wait_for_sleepers(2));

  // The renewal's write hangs; the deadline passes; then the write lands.
  server_->before_request = [&](const HttpRequest& request) {
    if (request.method == "PUT" && request.body.find("\"holderIdentity\":\"a\"") != std::string::npos) hang.hang_here();
  };
  manual_.advance(2s);
  ASSERT_TRUE(hang.wait_hanging());
  manual_.advance(8s);
  EXPECT_TRUE(leadership.wait_work_stopped());
  EXPECT_FALSE(a->is_leader());
  hang.release();
  runner.join();  // ends by itself
  EXPECT_EQ(end, static_cast<int>(ElectionEnd::kLostLeadership));
  EXPECT_TRUE(leadership.stopped_leading);
  EXPECT_FALSE(a->is_leader());
  EXPECT_EQ(lease().holder_identity, "");  // the landed write was ours: released for the others
}

TEST_F(LeaderElectionRunTest, TwoRunningCandidatesTakeTurnsAfterARelease) {
  Leadership leadership_a, leadership_b;
  auto a = make("a", leadership_a.callbacks(), &manual_);
  std::jthread runner_a([&](std::stop_token stop) { a->run(stop); });
  ASSERT_TRUE(leadership_a.wait_started());
  ASSERT_TRUE(manual_.wait_for_sleepers(2));

  auto b = make("b", leadership_b.callbacks(), &manual_);
  std::jthread runner_b([&](std::stop_token stop) { b->run(stop); });
  ASSERT_TRUE(manual_.wait_for_sleepers(3));  // a: renew loop and watchdog; b: campaign
  for (int i = 0; i < 10; ++i) {
    manual_.advance(2s);
    ASSERT_TRUE(manual_.wait_for_sleepers(3));
    EXPECT_TRUE(a->is_leader());
    EXPECT_FALSE(b->is_leader());
  }

  runner_a.request_stop();
  runner_a.join();  // released
  EXPECT_FALSE(leadership_b.started);
  manual_.advance(2s);
  ASSERT_TRUE(leadership_b.wait_started());
  EXPECT_TRUE(b->is_leader());
  EXPECT_FALSE(a->is_leader());
  EXPECT_EQ(lease().holder_identity, "b");
  EXPECT_EQ(lease().lease_transitions, 1);
  runner_b.request_stop();
}

}  // namespace
}  // namespace pier::kube
