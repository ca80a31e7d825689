#include "kube/work_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "fake_clock.h"

namespace pier::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;

class WorkQueueTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{clock_};
};

TEST_F(WorkQueueTest, AddDeduplicates) {
  queue_.add("a");
  queue_.add("b");
  queue_.add("a");
  EXPECT_EQ(queue_.len(), 2u);
  EXPECT_EQ(queue_.get(), "a");
  EXPECT_EQ(queue_.get(), "b");
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsQueuedAgainAfterDone) {
  queue_.add("a");
  auto key = queue_.get();
  ASSERT_EQ(key, "a");
  queue_.add("a");  // changed again while a worker is on it
  queue_.add("a");
  EXPECT_EQ(queue_.len(), 0u);  // no second worker may take it now
  queue_.done("a");
  EXPECT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.get(), "a");
  queue_.done("a");
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, DoneWithoutReAddDoesNotRequeue) {
  queue_.add("a");
  ASSERT_EQ(queue_.get(), "a");
  queue_.done("a");
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, AddAfterWaitsForTheClock) {
  queue_.add_after("a", seconds(2));
  queue_.add_after("b", seconds(1));
  queue_.add_after("a", seconds(5));  // later than the pending time: ignored
  EXPECT_EQ(queue_.len(), 0u);
  EXPECT_EQ(queue_.num_waiting(), 2u);
  clock_.advance(seconds(1));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.get(), "b");
  clock_.advance(seconds(1));
  EXPECT_EQ(queue_.get(), "a");  // get() itself looks at the clock
  EXPECT_EQ(queue_.num_waiting(), 0u);
  queue_.add_after("c", milliseconds(0));  // no delay: now
  EXPECT_EQ(queue_.len(), 1u);
}

TEST_F(WorkQueueTest, EarlierAddAfterWins) {
  queue_.add_after("a", seconds(10));
  queue_.add_after("a", seconds(1));
  clock_.advance(seconds(1));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.num_waiting(), 0u);
}

TEST_F(WorkQueueTest, BlockedGetWakesWhenADelayedKeyIsDue) {
  queue_.add_after("a", seconds(30));
  auto got = std::async(std::launch::async, [&] { return queue_.get(); });
  EXPECT_EQ(got.wait_for(milliseconds(50)), std::future_status::timeout);
  clock_.advance(seconds(30));
  queue_.recheck_clock();
  ASSERT_EQ(got.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

TEST_F(WorkQueueTest, RateLimitedBackoffFigures) {
  // Per key: 5 ms, 10 ms, 20 ms, ... (the bucket's burst of 100 is not reached here).
  std::chrono::milliseconds expected(5);
  for (int attempt = 0; attempt < 8; ++attempt) {
    SCOPED_TRACE(attempt);
    queue_.add_rate_limited("a");
    EXPECT_EQ(queue_.num_requeues("a"), attempt + 1);
    clock_.advance(expected - milliseconds(1));
    queue_.recheck_clock();
    EXPECT_EQ(queue_.len(), 0u) << "too early";
    clock_.advance(milliseconds(1));
    queue_.recheck_clock();
    ASSERT_EQ(queue_.len(), 1u) << "due now";
    ASSERT_EQ(queue_.get(), "a");
    queue_.done("a");
    expected *= 2;
  }
  queue_.forget("a");
  EXPECT_EQ(queue_.num_requeues("a"), 0);
  queue_.add_rate_limited("a");
  clock_.advance(milliseconds(5));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 1u);
}

TEST_F(WorkQueueTest, RateLimitedOverallBucket) {
  for (int i = 0; i < 100; ++i) queue_.add_rate_limited("k" + std::to_string(i));
  queue_.add_rate_limited("late");  // the 101st within the same instant: 100 ms
  clock_.advance(milliseconds(5));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 100u);
  clock_.advance(milliseconds(94));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 100u);
  clock_.advance(milliseconds(1));
  queue_.recheck_clock();
  EXPECT_EQ(queue_.len(), 101u);
}

TEST_F(WorkQueueTest, ShutDownWakesABlockedGet) {
  auto got = std::async(std::launch::async, [&] { return queue_.get(); });
  EXPECT_EQ(got.wait_for(milliseconds(50)), std::future_status::timeout);
  queue_.shut_down();
  ASSERT_EQ(got.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(got.get(), std::nullopt);
  EXPECT_TRUE(queue_.shutting_down());
}

TEST_F(WorkQueueTest, ShutDownHandsOutWhatIsQueuedThenNothing) {
  queue_.add("a");
  queue_.add_after("later", seconds(1));
  queue_.shut_down();
  queue_.add("b");  // ignored
  EXPECT_EQ(queue_.get(), "a");
  EXPECT_EQ(queue_.get(), std::nullopt);
  EXPECT_EQ(queue_.num_waiting(), 0u);
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsForTheWorkers) {
  queue_.add("a");
  queue_.add("b");
  std::vector<std::string> processed;
  std::promise<void> first_taken;
  std::jthread worker([&] {
    bool first = true;
    while (auto key = queue_.get()) {
      if (first) first_taken.set_value();
      first = false;
      std::this_thread::sleep_for(milliseconds(20));
      processed.push_back(*key);
      queue_.done(*key);
    }
  });
  first_taken.get_future().wait();
  queue_.shut_down_with_drain();
  EXPECT_EQ(processed, (std::vector<std::string>{"a", "b"}));
}

TEST_F(WorkQueueTest, ManyWorkersNeverShareAKey) {
  std::atomic<int> in_flight_a{0};
  std::atomic<bool> overlap{false};
  std::atomic<int> processed{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&] {
      while (auto key = queue_.get()) {
        if (*key == "a" && ++in_flight_a > 1) overlap = true;
        std::this_thread::yield();
        if (*key == "a") --in_flight_a;
        ++processed;
        queue_.done(*key);
      }
    });
  for (int i = 0; i < 2000; ++i) queue_.add(i % 2 ? "a" : "k" + std::to_string(i % 10));
  queue_.shut_down_with_drain();
  workers.clear();
  EXPECT_FALSE(overlap);
  EXPECT_GT(processed.load(), 5);
}

}  // namespace
}  // namespace pier::kube
