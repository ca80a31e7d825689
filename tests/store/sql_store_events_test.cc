#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class EventsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    op_ = must(store_->begin_operation({.key = {"prod", "shop", "web"}, .kind = "install", .holder = "pier-0"})).id;
  }
  OperationId op_;
};

TEST_P(EventsTest, NumbersAndReadsEvents) {
  for (int i = 1; i <= 5; ++i) {
    clock_.advance(seconds(1));
    EXPECT_EQ(must(store_->append_event(op_, {{"step", i}})), i);
  }
  auto all = must(store_->events(op_, 0));
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].data, (json{{"step", 1}}));
  EXPECT_EQ(all[0].at, FakeClock::kWallStart + seconds(1));
  auto later = must(store_->events(op_, 3));
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].seq, 4);
  EXPECT_TRUE(must(store_->events(op_, 5)).empty());
  EXPECT_EQ(must(store_->get_operation(op_)).last_event_seq, 5);
}

TEST_P(EventsTest, UnknownOperationIsNotFound) {
  EXPECT_EQ(store_->append_event(OperationId{424242}, {{"x", 1}}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->events(OperationId{424242}, 0).error().code, ErrorCode::kNotFound);
}

TEST_P(EventsTest, ConcurrentAppendsGetDistinctNumbers) {
  auto replica = open_another();
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> numbers(4);
  for (size_t t = 0; t < numbers.size(); ++t)
    threads.emplace_back([&, t] {
      Store& store = t % 2 ? *replica : *store_;
      for (int i = 0; i < 10; ++i)
        if (auto seq = store.append_event(op_, {{"thread", t}})) numbers[t].push_back(*seq);
    });
  for (auto& thread : threads) thread.join();
  std::set<std::int64_t> all;
  for (const auto& list : numbers) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(*all.rbegin(), 40);
  EXPECT_EQ(must(store_->events(op_, 0)).size(), 40u);
}

TEST_P(EventsTest, WaitingWakesOnAnAppendInThisProcess) {
  auto waiting = std::async(std::launch::async, [&] { return store_->wait_for_events(op_, 0, seconds(10)); });
  std::this_thread::sleep_for(milliseconds(50));
  const auto appended_at = std::chrono::steady_clock::now();
  must(store_->append_event(op_, {{"done", true}}));
  auto got = must(waiting.get());
  EXPECT_LT(std::chrono::steady_clock::now() - appended_at, seconds(2));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, (json{{"done", true}}));
}

TEST_P(EventsTest, WaitingSeesAnotherReplicasAppendsByPolling) {
  auto replica = open_another();
  auto waiting = std::async(std::launch::async, [&] { return store_->wait_for_events(op_, 0, seconds(10)); });
  std::this_thread::sleep_for(milliseconds(50));
  must(replica->append_event(op_, {{"from", "replica"}}));
  auto got = must(waiting.get());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data["from"], "replica");
}

TEST_P(EventsTest, WaitingTimesOutEmpty) {
  const auto start = std::chrono::steady_clock::now();
  auto got = must(store_->wait_for_events(op_, 0, milliseconds(100)));
  EXPECT_TRUE(got.empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(100));
}

TEST_P(EventsTest, EventsOfAFinishedOperationStay) {
  must(store_->append_event(op_, {{"step", "rendered"}}));
  must(store_->finish_operation(op_, OperationStatus::kFailed, "apply refused"));
  EXPECT_EQ(must(store_->append_event(op_, {{"step", "failed"}})), 2);
  EXPECT_EQ(must(store_->events(op_, 0)).size(), 2u);
}

INSTANTIATE_FOR_EACH_BACKEND(EventsTest);

}  // namespace
}  // namespace pier::store::testing
