// A Clock and Sleeper for the control layer's loops, in two modes.
//
// kAutoAdvance (one thread): sleep_until jumps the time to the deadline and
// returns at once, so a loop that waits minutes runs in microseconds.
//
//   ControlFakeClock clock;
//   wait_for_rollout(client, gvk, "shop", "web", options, progress, {}, clock, clock);
//
// kManual (several threads): time moves only by advance(); sleepers block
// until it reaches their deadline. wait_for_sleepers(n) lets the test step
// time only once the code under test is idle.
//
//   ControlFakeClock clock(ControlFakeClock::Mode::kManual);
//   std::jthread t([&](std::stop_token s) { elector->run(s); });
//   ASSERT_TRUE(clock.wait_for_sleepers(2));
//   clock.advance(std::chrono::seconds(2));
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stop_token>

#include "common/clock.h"
#include "kube/sleeper.h"

namespace pier::kube::testing {

class ControlFakeClock final : public Clock, public Sleeper {
 public:
  enum class Mode { kAutoAdvance, kManual };
  explicit ControlFakeClock(Mode mode = Mode::kAutoAdvance) : mode_(mode) {}

  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    std::lock_guard lock(mutex_);
    return kWallStart + std::chrono::duration_cast<std::chrono::system_clock::duration>(now_ - kSteadyStart);
  }

  void advance(std::chrono::steady_clock::duration by) {
    std::lock_guard lock(mutex_);
    now_ += by;
    changed_.notify_all();
  }

  bool sleep_until(std::chrono::steady_clock::time_point deadline, std::stop_token stop) override {
    std::unique_lock lock(mutex_);
    if (mode_ == Mode::kAutoAdvance) {
      if (stop.stop_requested()) return false;
      if (deadline > now_) now_ = deadline;
      return true;
    }
    auto sleeping = deadlines_.insert(deadline);
    changed_.notify_all();
    changed_.wait(lock, stop, [&] { return now_ >= deadline; });
    deadlines_.erase(sleeping);
    changed_.notify_all();
    return !stop.stop_requested();
  }

  // kManual: waits (really, up to `limit`) until at least `count` threads
  // sleep on a deadline still ahead. False on time out.
  bool wait_for_sleepers(std::size_t count, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] {
      std::size_t ahead = 0;
      for (auto deadline : deadlines_)
        if (deadline > now_) ++ahead;
      return ahead >= count;
    });
  }

 private:
  static constexpr std::chrono::steady_clock::time_point kSteadyStart{std::chrono::hours(1)};
  // 2026-11-29T11:27:03Z
  static constexpr std::chrono::system_clock::time_point kWallStart{std::chrono::seconds(1'795'951'623)};

  const Mode mode_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::chrono::steady_clock::time_point now_ = kSteadyStart;
  std::multiset<std::chrono::steady_clock::time_point> deadlines_;  // of threads asleep
};

}  // namespace pier::kube::testing
