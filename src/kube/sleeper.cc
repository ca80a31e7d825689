#include "kube/sleeper.h"

#include <condition_variable>
#include <mutex>

namespace pier::kube {

bool SystemSleeper::sleep_until(std::chrono::steady_clock::time_point deadline, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  // Nothing notifies `wake` but a stop request, so this returns at the
  // deadline or on stop.
  wake.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

SystemSleeper& SystemSleeper::instance() {
  static SystemSleeper sleeper;
  return sleeper;
}

}  // namespace pier::kube
