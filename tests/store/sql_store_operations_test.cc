#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using std::chrono::seconds;

class OperationsTest : public StoreTest {
 protected:
  NewOperation upgrade_by(std::string user, std::string holder) {
    return NewOperation{.key = web_, .kind = "upgrade", .user = std::move(user), .holder = std::move(holder),
                        .lease_ttl = seconds(30)};
  }
  RevisionInfo revision_for(const Operation& op) {
    return must(store_->create_revision(
        {.key = web_, .app = "jetty", .app_version = "1.0", .user = op.user, .operation = op.id}));
  }
  const ReleaseKey web_{"prod", "shop", "web"};
};

TEST_P(OperationsTest, SecondOperationConflictsNamingTheHolder) {
  auto first = must(store_->begin_operation(upgrade_by("bob", "pier-1/7")));
  EXPECT_EQ(first.status, OperationStatus::kRunning);
  EXPECT_EQ(first.started_at, FakeClock::kWallStart);
  EXPECT_EQ(first.lease_expires_at, FakeClock::kWallStart + seconds(30));

  clock_.advance(seconds(10));
  auto second = store_->begin_operation(upgrade_by("alice", "pier-0/3"));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().message,
            "release prod/shop/web is busy: upgrade by bob (operation " + std::to_string(first.id.value) +
                ", holder pier-1/7) running since 2026-01-01T00:00:00.000Z, lease until 2026-01-01T00:00:30.000Z");

  // Another release is not affected.
  must(store_->begin_operation({.key = {"prod", "shop", "api"}, .kind = "install", .user = "alice", .holder = "x"}));
  revision_for(first);
  auto summary = must(store_->get_release(web_));
  ASSERT_TRUE(summary.active_operation.has_value());
  EXPECT_EQ(summary.active_operation->holder, "pier-1/7");
}

TEST_P(OperationsTest, FinishingFreesTheRelease) {
  auto op = must(store_->begin_operation(upgrade_by("bob", "pier-1")));
  auto rev = revision_for(op);
  must(store_->update_revision_status(web_, rev.revision, RevisionStatus::kDeployed, ""));
  clock_.advance(seconds(3));
  auto done = must(store_->finish_operation(op.id, OperationStatus::kSucceeded, "deployed revision 1"));
  EXPECT_EQ(done.status, OperationStatus::kSucceeded);
  EXPECT_EQ(done.message, "deployed revision 1");
  EXPECT_EQ(done.finished_at, FakeClock::kWallStart + seconds(3));
  EXPECT_FALSE(must(store_->get_release(web_)).active_operation.has_value());
  EXPECT_EQ(must(store_->get_revision(web_, 1)).status, RevisionStatus::kDeployed);

  auto again = store_->finish_operation(op.id, OperationStatus::kFailed, "");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->heartbeat(op.id).error().code, ErrorCode::kConflict);
  must(store_->begin_operation(upgrade_by("alice", "pier-0")));
}

TEST_P(OperationsTest, FailedOperationFailsItsPendingRevision) {
  auto op = must(store_->begin_operation(upgrade_by("bob", "pier-1")));
  revision_for(op);
  must(store_->finish_operation(op.id, OperationStatus::kFailed, "render failed"));
  auto rev = must(store_->get_revision(web_, 1));
  EXPECT_EQ(rev.status, RevisionStatus::kFailed);
  EXPECT_EQ(rev.status_detail, "render failed");
  EXPECT_EQ(must(store_->get_release(web_)).latest.status, RevisionStatus::kFailed);
}

TEST_P(OperationsTest, HeartbeatsKeepTheLease) {
  auto op = must(store_->begin_operation(upgrade_by("bob", "pier-1")));
  for (int i = 0; i < 4; ++i) {
    clock_.advance(seconds(20));
    auto renewed = must(store_->heartbeat(op.id));
    EXPECT_EQ(renewed.lease_expires_at, clock_.wall_now() + seconds(30));
  }
  clock_.advance(seconds(29));
  EXPECT_EQ(store_->begin_operation(upgrade_by("alice", "pier-0")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(must(store_->reap_expired()), 0);
  EXPECT_EQ(store_->heartbeat(OperationId{999999}).error().code, ErrorCode::kNotFound);
}

TEST_P(OperationsTest, LapsedLeaseIsTakenOverAndMarkedInterrupted) {
  auto stale = must(store_->begin_operation(upgrade_by("bob", "pier-1/7")));
  revision_for(stale);
  must(store_->append_event(stale.id, {{"step", "applying"}}));

  clock_.advance(seconds(31));
  auto fresh = must(store_->begin_operation(upgrade_by("alice", "pier-0/3")));
  EXPECT_NE(fresh.id, stale.id);

  auto old = must(store_->get_operation(stale.id));
  EXPECT_EQ(old.status, OperationStatus::kInterrupted);
  EXPECT_EQ(old.message,
            "interrupted: holder pier-1/7 stopped renewing its lease (expired 2026-01-01T00:00:30.000Z, noticed "
            "2026-01-01T00:00:31.000Z)");
  auto rev = must(store_->get_revision(web_, 1));
  EXPECT_EQ(rev.status, RevisionStatus::kInterrupted);
  EXPECT_EQ(rev.status_detail, old.message);
  EXPECT_EQ(must(store_->events(stale.id, 0)).size(), 1u);  // its story stays

  // The old worker wakes up: it can neither renew nor add revisions.
  auto late = store_->heartbeat(stale.id);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
  EXPECT_NE(late.error().message.find("no longer running (interrupted"), std::string::npos);
  auto stale_revision = store_->create_revision({.key = web_, .app = "jetty", .operation = stale.id});
  ASSERT_FALSE(stale_revision.has_value());
  EXPECT_EQ(stale_revision.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->update_revision_status(web_, 1, RevisionStatus::kDeployed, "").error().code,
            ErrorCode::kConflict);

  EXPECT_EQ(revision_for(fresh).revision, 2);
}

// kill -9 during a deploy, then a restart: the new process (another Store on
// the same database) reaps the operation, and the next deploy works.
TEST_P(OperationsTest, ReapAfterACrash) {
  OperationId crashed;
  {
    auto before_crash = open_another();
    auto op = must(before_crash->begin_operation(upgrade_by("bob", "pier-0/111")));
    crashed = op.id;
    must(before_crash->create_revision({.key = web_, .app = "jetty", .user = "bob", .operation = op.id}));
    must(before_crash->append_event(op.id, {{"applied", 2}, {"of", 5}}));
  }  // gone without finishing anything

  auto after_restart = open_another();
  EXPECT_EQ(must(after_restart->reap_expired()), 0);  // the lease still runs
  clock_.advance(seconds(30));
  EXPECT_EQ(must(after_restart->reap_expired()), 1);
  EXPECT_EQ(must(after_restart->reap_expired()), 0);

  auto summary = must(after_restart->get_release(web_));
  EXPECT_EQ(summary.latest.status, RevisionStatus::kInterrupted);
  EXPECT_FALSE(summary.active_operation.has_value());
  EXPECT_EQ(must(after_restart->get_operation(crashed)).status, OperationStatus::kInterrupted);
  EXPECT_EQ(must(after_restart->events(crashed, 0)).size(), 1u);
  auto next = must(after_restart->begin_operation(upgrade_by("alice", "pier-0/222")));
  EXPECT_EQ(next.status, OperationStatus::kRunning);
}

TEST_P(OperationsTest, ExactlyOneOfManyConcurrentStartsWins) {
  auto replica = open_another();
  constexpr int kThreads = 6;
  std::atomic<int> won{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? *store_ : *replica;
      auto op = store.begin_operation(upgrade_by("user" + std::to_string(t), "holder" + std::to_string(t)));
      if (op)
        ++won;
      else if (op.error().code == ErrorCode::kConflict)
        ++conflicts;
      else
        ++other;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(OperationsTest, FinishingAnInterruptedOneByItsHolderIsAConflict) {
  auto op = must(store_->begin_operation(upgrade_by("bob", "pier-1")));
  clock_.advance(seconds(30));
  EXPECT_EQ(must(store_->reap_expired()), 1);
  auto finished = store_->finish_operation(op.id, OperationStatus::kSucceeded, "");
  ASSERT_FALSE(finished.has_value());
  EXPECT_EQ(finished.error().code, ErrorCode::kConflict);
}

TEST_P(OperationsTest, GracefulStopInterruptsWithItsOwnWords) {
  auto op = must(store_->begin_operation(upgrade_by("bob", "pier-1")));
  revision_for(op);
  must(store_->finish_operation(op.id, OperationStatus::kInterrupted, "server shutting down"));
  auto rev = must(store_->get_revision(web_, 1));
  EXPECT_EQ(rev.status, RevisionStatus::kInterrupted);
  EXPECT_EQ(rev.status_detail, "server shutting down");
}

TEST_P(OperationsTest, RefusesBadInput) {
  EXPECT_EQ(store_->begin_operation({.key = web_, .kind = "", .holder = "h"}).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->begin_operation({.key = web_, .kind = "upgrade", .holder = ""}).error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->begin_operation({.key = web_, .kind = "upgrade", .holder = "h", .lease_ttl = seconds(0)})
                .error()
                .code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->finish_operation(OperationId{1}, OperationStatus::kRunning, "").error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->get_operation(OperationId{12345}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->finish_operation(OperationId{12345}, OperationStatus::kFailed, "").error().code,
            ErrorCode::kNotFound);
}

INSTANTIATE_FOR_EACH_BACKEND(OperationsTest);

}  // namespace
}  // namespace pier::store::testing
