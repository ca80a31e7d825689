// Wakes the threads waiting for progress events when this process stores
// one. Other replicas' events are not seen here: waiters also poll the
// database (Store::wait_for_events), so a notifier only makes local streams
// prompt. (PostgreSQL's LISTEN/NOTIFY could make remote ones prompt too.)
//
//   std::uint64_t seen = notifier.version();
//   ... read events; none yet ...
//   notifier.wait_for_change(seen, std::chrono::milliseconds(500));  // woken by notify() or timeout
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace pier::store {

class EventNotifier {
 public:
  // Take it before reading, so an event stored in between is not missed.
  std::uint64_t version() const {
    std::lock_guard lock(mutex_);
    return version_;
  }

  void notify() {
    {
      std::lock_guard lock(mutex_);
      ++version_;
    }
    changed_.notify_all();
  }

  // True when notify() was called since `seen`; false after `timeout` (real time).
  bool wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return version_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t version_ = 0;
};

}  // namespace pier::store
