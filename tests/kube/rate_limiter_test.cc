#include "kube/rate_limiter.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const RateLimiter::TimePoint kStart{seconds(100)};

TEST(RateLimiterTest, PerKeyExponentialBackoff) {
  RateLimiter limiter;
  EXPECT_EQ(limiter.when("a", kStart), milliseconds(5));
  EXPECT_EQ(limiter.when("a", kStart), milliseconds(10));
  EXPECT_EQ(limiter.when("a", kStart), milliseconds(20));
  EXPECT_EQ(limiter.when("a", kStart), milliseconds(40));
  EXPECT_EQ(limiter.when("b", kStart), milliseconds(5));  // keys are independent
  EXPECT_EQ(limiter.num_requeues("a"), 4);
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(limiter.when("a", kStart + seconds(10)), milliseconds(5));
}

TEST(RateLimiterTest, BackoffIsCappedAt1000Seconds) {
  RateLimiter limiter({.qps = 0});
  nanoseconds last{};
  for (int i = 0; i < 100; ++i) last = limiter.when("a", kStart);  // 2^99 * 5 ms would overflow
  EXPECT_EQ(last, seconds(1000));
  RateLimiter fresh({.qps = 0});
  for (int i = 0; i < 17; ++i) last = fresh.when("b", kStart);
  EXPECT_EQ(last, milliseconds(5) * 65536);                  // 327.68 s
  EXPECT_EQ(fresh.when("b", kStart), milliseconds(5) * 131072);  // 655.36 s
  EXPECT_EQ(fresh.when("b", kStart), seconds(1000));           // 1310.72 s, capped
}

TEST(RateLimiterTest, TokenBucketLimitsManyKeysAtOnce) {
  RateLimiter limiter;  // 10 per second, burst 100
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.when("k" + std::to_string(i), kStart), milliseconds(5));
  // The bucket is empty: the 101st waits for one token (100 ms), the next for two.
  EXPECT_EQ(limiter.when("k100", kStart), milliseconds(100));
  EXPECT_EQ(limiter.when("k101", kStart), milliseconds(200));
  // One second later ten tokens came back, two of them owed: no wait beyond the key's own 5 ms.
  EXPECT_EQ(limiter.when("k102", kStart + seconds(1)), milliseconds(5));
  EXPECT_EQ(limiter.when("k103", kStart + seconds(1)), milliseconds(5));
}

}  // namespace
}  // namespace pier::kube
