#include "kube/work_queue.h"

#include <algorithm>

namespace pier::kube {

WorkQueue::WorkQueue(Clock& clock, RateLimiterOptions rate_limits) : clock_(clock), limiter_(rate_limits) {}

WorkQueue::~WorkQueue() { shut_down(); }

void WorkQueue::add_locked(const std::string& key) {
  if (shutting_down_) return;
  if (!dirty_.insert(key).second) return;  // queued already, or to be re-queued by done()
  if (processing_.contains(key)) return;    // one worker per key: done() queues it
  queue_.push_back(key);
  ready_.notify_one();
}

void WorkQueue::promote_due_locked() {
  const TimePoint now = clock_.now();
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    std::string key = waiting_.begin()->second;
    waiting_.erase(waiting_.begin());
    due_by_key_.erase(key);
    add_locked(key);
  }
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  promote_due_locked();
  add_locked(key);
}

void WorkQueue::add_after(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return;
  if (delay <= std::chrono::nanoseconds::zero()) {
    add_locked(key);
    return;
  }
  const TimePoint due = clock_.now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay);
  if (auto it = due_by_key_.find(key); it != due_by_key_.end()) {
    if (it->second <= due) return;  // it comes sooner already
    waiting_.erase({it->second, key});
    it->second = due;
  } else {
    due_by_key_.emplace(key, due);
  }
  waiting_.emplace(due, key);
  ready_.notify_all();  // a blocked get() may now have to wake up earlier
}

void WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::nanoseconds delay;
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return;
    delay = limiter_.when(key, clock_.now());
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  limiter_.forget(key);
}

int WorkQueue::num_requeues(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return limiter_.num_requeues(key);
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    promote_due_locked();
    if (!queue_.empty()) break;
    if (shutting_down_) return std::nullopt;
    if (waiting_.empty()) {
      ready_.wait(lock);
    } else {
      // Real time until the first delayed key is due, by the clock's account.
      const auto remaining = waiting_.begin()->first - clock_.now();
      ready_.wait_for(lock, std::max(remaining, std::chrono::steady_clock::duration::zero()));
    }
  }
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (dirty_.contains(key)) {
    // Added while processed. Queued even during shutdown, so a drain sees it through.
    queue_.push_back(key);
    ready_.notify_one();
  }
  if (drained_locked()) drained_.notify_all();
}

void WorkQueue::shut_down() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  waiting_.clear();
  due_by_key_.clear();
  ready_.notify_all();
}

void WorkQueue::shut_down_with_drain() {
  std::unique_lock lock(mutex_);
  shutting_down_ = true;
  waiting_.clear();
  due_by_key_.clear();
  ready_.notify_all();
  drained_.wait(lock, [this] { return drained_locked(); });
}

bool WorkQueue::shutting_down() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

std::size_t WorkQueue::len() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkQueue::num_waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

void WorkQueue::recheck_clock() {
  std::lock_guard lock(mutex_);
  promote_due_locked();
  ready_.notify_all();
}

}  // namespace pier::kube
