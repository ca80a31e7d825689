#include "kube/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace pier::kube {

RateLimiter::RateLimiter(RateLimiterOptions options) : options_(options), tokens_(options.burst) {}

std::chrono::nanoseconds RateLimiter::when(const std::string& key, TimePoint now) {
  return std::max(item_delay(key), bucket_delay(now));
}

void RateLimiter::forget(const std::string& key) { failures_.erase(key); }

int RateLimiter::num_requeues(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

std::chrono::nanoseconds RateLimiter::item_delay(const std::string& key) {
  const int exponent = failures_[key]++;
  // In floating point: 2^exponent overflows any integer long before the cap.
  const double delay = static_cast<double>(options_.base_delay.count()) * std::pow(2.0, exponent);
  if (!(delay < static_cast<double>(options_.max_delay.count()))) return options_.max_delay;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(delay));
}

std::chrono::nanoseconds RateLimiter::bucket_delay(TimePoint now) {
  if (options_.qps <= 0) return std::chrono::nanoseconds::zero();
  if (started_ && now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(options_.burst, tokens_ + elapsed * options_.qps);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds::zero();
  // The token is promised now and arrives when the refill reaches it.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(-tokens_ / options_.qps));
}

}  // namespace pier::kube
