// Waiting, as the other half of pier::Clock (common/clock.h), which only
// tells the time: loops that retry every few seconds (leader election,
// rollout polling) sleep through a Sleeper so that tests can run them on a
// fake clock without waiting.
//
//   if (!sleeper.sleep_until(clock.now() + std::chrono::seconds(2), stop)) return;  // stopped
#pragma once

#include <chrono>
#include <stop_token>

namespace pier::kube {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks until the clock reaches `deadline` (steady time, as Clock::now())
  // or stop is requested. Returns false when stop was requested.
  virtual bool sleep_until(std::chrono::steady_clock::time_point deadline, std::stop_token stop) = 0;
};

// Sleeps on std::chrono::steady_clock, the clock of pier::SystemClock::now().
class SystemSleeper final : public Sleeper {
 public:
  bool sleep_until(std::chrono::steady_clock::time_point deadline, std::stop_token stop) override;
  static SystemSleeper& instance();
};

}  // namespace pier::kube
