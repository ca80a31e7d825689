// A Clock that moves only when the test says so, shared safely across the
// threads of a test.
//
//   FakeClock clock;                       // 2026-01-01T00:00:00Z
//   clock.advance(std::chrono::seconds(31));
#pragma once

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace pier::store::testing {

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

  // 2026-01-01T00:00:00Z.
  static constexpr std::chrono::system_clock::time_point kWallStart{std::chrono::seconds(1767225600)};

 private:
  std::atomic<long long> offset_{0};
};

}  // namespace pier::store::testing
