// The work queue of a controller, shaped as client-go's: keys, not events.
//
//   WorkQueue queue(clock);
//   informer handlers:  queue.add(ObjectStore::key_of(*object));
//   worker thread:
//     while (auto key = queue.get()) {            // blocks; nullopt once shut down and empty
//       if (reconcile(*key)) queue.forget(*key);  // success: its backoff starts over
//       else queue.add_rate_limited(*key);        // failure: again after 5 ms, 10 ms, ...
//       queue.done(*key);
//     }
//
// Guarantees:
//   - a key is in the queue at most once, however often it is added;
//   - a key is handed to one worker at a time: added while being processed,
//     it is queued again when done() is called, not before;
//   - keys come out in the order they were first added.
// Time comes from the Clock; waits for delayed keys are in real time derived
// from it. After advancing a fake clock, call recheck_clock().
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>

#include "common/clock.h"
#include "kube/rate_limiter.h"

namespace pier::kube {

class WorkQueue {
 public:
  explicit WorkQueue(Clock& clock, RateLimiterOptions rate_limits = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  // add(key) once `delay` has passed; a key already waiting keeps the
  // earlier of its two times. A delay <= 0 adds now.
  void add_after(const std::string& key, std::chrono::nanoseconds delay);
  // add_after(key, the rate limiter's delay for it): see rate_limiter.h.
  void add_rate_limited(const std::string& key);
  // The key succeeded: its per-key backoff starts over.
  void forget(const std::string& key);
  // Rate-limited adds since the last forget.
  int num_requeues(const std::string& key) const;

  // The next key, blocking until there is one. After shut_down() the keys
  // still queued are handed out, then std::nullopt.
  std::optional<std::string> get();
  // Processing of the key is over; if it was added meanwhile, it is queued.
  void done(const std::string& key);

  // No more adds (they are ignored), delayed keys dropped, blocked get()s
  // woken.
  void shut_down();
  // shut_down(), then wait until every queued key has been handed out and
  // done (workers must still be running).
  void shut_down_with_drain();
  bool shutting_down() const;

  // Keys ready for get(); delayed keys count once due (see recheck_clock).
  std::size_t len() const;
  // Keys waiting for their add_after time.
  std::size_t num_waiting() const;

  // Re-reads the clock: moves due delayed keys into the queue and wakes
  // blocked get()s. Needed only when the clock does not follow real time.
  void recheck_clock();

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  void add_locked(const std::string& key);
  void promote_due_locked();
  bool drained_locked() const { return queue_.empty() && processing_.empty(); }

  Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;    // get() waits here
  std::condition_variable drained_;  // shut_down_with_drain() waits here
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;       // to be processed: queued, or queued again after done()
  std::unordered_set<std::string> processing_;  // handed out, done() not yet called
  std::set<std::pair<TimePoint, std::string>> waiting_;  // delayed keys by due time
  std::map<std::string, TimePoint> due_by_key_;          // and the other way round
  RateLimiter limiter_;
  bool shutting_down_ = false;
};

}  // namespace pier::kube
