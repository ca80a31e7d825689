// Time as an interface, so that backoff, leases and resyncs can be tested
// without sleeping. Production code uses SystemClock; tests a FakeClock that
// they advance by hand.
#pragma once

#include <chrono>

namespace pier {

class Clock {
 public:
  virtual ~Clock() = default;
  // For durations and deadlines: never jumps.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // For timestamps that other machines read (Lease renewTime, events).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

}  // namespace pier
