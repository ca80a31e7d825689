#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace pier::server {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, RunsEveryTaskOnItsThreads) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(3, "test-pool");
    for (int i = 0; i < 100; ++i) pool.post([&] { ++done; });
    for (int i = 0; i < 200 && done < 100; ++i) std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(done, 100);
}

TEST(WorkerPool, RunsTasksInParallel) {
  WorkerPool pool(2, "test-pool");
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> done{0};
  for (int i = 0; i < 2; ++i)
    pool.post([&] {
      int now = ++running;
      peak = std::max(peak.load(), now);
      std::this_thread::sleep_for(50ms);
      --running;
      ++done;
    });
  for (int i = 0; i < 200 && done < 2; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(peak, 2);
}

TEST(WorkerPool, StopDropsQueuedTasksAndRefusesNewOnes) {
  WorkerPool pool(1, "test-pool");
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  pool.post([&] {
    while (!release) std::this_thread::sleep_for(1ms);
    ++ran;
  });
  for (int i = 0; i < 200 && pool.busy() == 0; ++i) std::this_thread::sleep_for(1ms);
  pool.post([&] { ++ran; });
  EXPECT_EQ(pool.queued(), 1u);
  pool.stop();
  EXPECT_EQ(pool.queued(), 0u);
  EXPECT_FALSE(pool.post([&] { ++ran; }));
  release = true;
  pool.join();
  EXPECT_EQ(ran, 1);  // the running task finished; the queued one never ran
}

}  // namespace
}  // namespace pier::server
