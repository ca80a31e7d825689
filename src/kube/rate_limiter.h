// How long a failed work-queue key waits before its next try: client-go's
// default controller rate limiter, the larger of
//   - a per-key exponential backoff: 5 ms, 10 ms, 20 ms, ... up to 1000 s,
//     reset by forget(key) once the key succeeds;
//   - an overall token bucket (10 per second, burst 100), so that many keys
//     failing at once do not hammer the API server.
// Pure: time comes in as an argument.
//
//   RateLimiter limiter;
//   auto delay = limiter.when("web/jetty", clock.now());   // 5 ms, then 10 ms, ...
//   limiter.forget("web/jetty");                             // succeeded: back to 5 ms
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pier::kube {

struct RateLimiterOptions {
  std::chrono::nanoseconds base_delay = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(1000);
  double qps = 10;  // the bucket's refill rate; <= 0 turns the bucket off
  int burst = 100;  // and its size
};

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit RateLimiter(RateLimiterOptions options = {});

  // The delay before the key's next try; counts one more failure for it
  // and takes one token from the bucket.
  std::chrono::nanoseconds when(const std::string& key, TimePoint now);
  // The key succeeded: its backoff starts over.
  void forget(const std::string& key);
  // Failures counted since the last forget.
  int num_requeues(const std::string& key) const;

 private:
  std::chrono::nanoseconds item_delay(const std::string& key);
  std::chrono::nanoseconds bucket_delay(TimePoint now);

  RateLimiterOptions options_;
  std::unordered_map<std::string, int> failures_;
  double tokens_;       // may go negative: tokens promised to waiting keys
  TimePoint last_{};    // when tokens_ was last brought up to date
  bool started_ = false;
};

}  // namespace pier::kube
