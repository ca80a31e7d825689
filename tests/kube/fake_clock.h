// A Clock that moves only when the test says so.
//
//   FakeClock clock;
//   WorkQueue queue(clock);
//   queue.add_after("a", std::chrono::seconds(1));
//   clock.advance(std::chrono::seconds(1));
//   queue.recheck_clock();
#pragma once

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace pier::kube::testing {

class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_.load()));
  }
  std::chrono::system_clock::time_point wall_now() const override {
    return kWallStart + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::nanoseconds(offset_.load()));
  }
  void advance(std::chrono::nanoseconds by) { offset_ += by.count(); }

 private:
  // 2026-01-01T00:00:00Z, and a steady clock that starts at one hour.
  static constexpr std::chrono::system_clock::time_point kWallStart{std::chrono::seconds(1767225600)};
  std::atomic<long long> offset_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace pier::kube::testing
