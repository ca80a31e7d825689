#include "kube/retry_policy.h"

#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using std::chrono::milliseconds;

// 2024-05-01 12:00:00 UTC
const auto kNow = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + std::chrono::hours(12);

RandomUnit fixed(double value) {
  return [value] { return value; };
}

AttemptContext context(int attempt, bool idempotent = true, milliseconds elapsed = milliseconds(0)) {
  return AttemptContext{attempt, elapsed, idempotent, kNow};
}

AttemptOutcome status(int code, std::optional<std::string> retry_after = std::nullopt) {
  return AttemptOutcome{code, TransportFailure::kNone, std::move(retry_after)};
}

AttemptOutcome failure(TransportFailure kind) { return AttemptOutcome{0, kind, std::nullopt}; }

TEST(RetryPolicyTest, TooManyRequestsIsAlwaysRetriedEvenForPost) {
  RetryPolicy policy;
  EXPECT_TRUE(decide_retry(policy, context(1, /*idempotent=*/false), status(429), fixed(0.5)).retry);
  EXPECT_TRUE(decide_retry(policy, context(1, /*idempotent=*/true), status(429), fixed(0.5)).retry);
}

TEST(RetryPolicyTest, ServerErrorsAreRetriedOnlyWhenIdempotent) {
  RetryPolicy policy;
  for (int code : {500, 502, 503, 504}) {
    EXPECT_TRUE(decide_retry(policy, context(1, true), status(code), fixed(0.5)).retry) << code;
    EXPECT_FALSE(decide_retry(policy, context(1, false), status(code), fixed(0.5)).retry) << code;
  }
  EXPECT_FALSE(decide_retry(policy, context(1, true), status(501), fixed(0.5)).retry);
  EXPECT_FALSE(decide_retry(policy, context(1, true), status(505), fixed(0.5)).retry);
}

TEST(RetryPolicyTest, ClientErrorsOtherThan429AreNeverRetried) {
  RetryPolicy policy;
  for (int code : {400, 401, 403, 404, 409, 410, 422})
    EXPECT_FALSE(decide_retry(policy, context(1, true), status(code), fixed(0.5)).retry) << code;
  EXPECT_FALSE(decide_retry(policy, context(1, true), status(200), fixed(0.5)).retry);
}

TEST(RetryPolicyTest, ConnectionFailuresBeforeSendingAreAlwaysRetried) {
  RetryPolicy policy;
  EXPECT_TRUE(decide_retry(policy, context(1, false), failure(TransportFailure::kNotSent), fixed(0.5)).retry);
  EXPECT_TRUE(decide_retry(policy, context(1, true), failure(TransportFailure::kNotSent), fixed(0.5)).retry);
}

TEST(RetryPolicyTest, ConnectionLostAfterSendingIsRetriedOnlyWhenIdempotent) {
  RetryPolicy policy;
  EXPECT_TRUE(decide_retry(policy, context(1, true), failure(TransportFailure::kLostAfterSending), fixed(0.5)).retry);
  EXPECT_FALSE(decide_retry(policy, context(1, false), failure(TransportFailure::kLostAfterSending), fixed(0.5)).retry);
}

TEST(RetryPolicyTest, TlsDnsTimeoutAndOtherFailuresAreNeverRetried) {
  RetryPolicy policy;
  for (auto kind : {TransportFailure::kTls, TransportFailure::kUnresolvedHost, TransportFailure::kTimedOut,
                    TransportFailure::kOther}) {
    RetryDecision d = decide_retry(policy, context(1, true), failure(kind), fixed(0.5));
    EXPECT_FALSE(d.retry);
    EXPECT_EQ(d.gave_up_because, "");  // final by nature, not for lack of budget
  }
}

TEST(RetryPolicyTest, BackoffIsFullJitterUnderAnExponentialCeiling) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  policy.max_attempts = 10;
  policy.max_total = milliseconds(60'000);
  auto delay = [&](int attempt, double unit) {
    return decide_retry(policy, context(attempt), status(503), fixed(unit)).delay;
  };
  EXPECT_EQ(delay(1, 0.5), milliseconds(50));    // ceiling 100
  EXPECT_EQ(delay(2, 0.5), milliseconds(100));   // ceiling 200
  EXPECT_EQ(delay(3, 0.5), milliseconds(200));   // ceiling 400
  EXPECT_EQ(delay(4, 0.999), milliseconds(799)); // ceiling 800
  EXPECT_EQ(delay(5, 0.5), milliseconds(500));   // ceiling capped at 1000
  EXPECT_EQ(delay(9, 0.5), milliseconds(500));
  EXPECT_EQ(delay(3, 0.0), milliseconds(0));     // full jitter reaches zero
}

TEST(RetryPolicyTest, RetryAfterSecondsIsHonouredWithoutJitter) {
  RetryPolicy policy;
  RetryDecision d = decide_retry(policy, context(1), status(429, "2"), fixed(0.0));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(2000));
}

TEST(RetryPolicyTest, RetryAfterIsCapped) {
  RetryPolicy policy;
  policy.max_retry_after = milliseconds(3000);
  RetryDecision d = decide_retry(policy, context(1), status(429, "3600"), fixed(0.5));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(3000));
}

TEST(RetryPolicyTest, RetryAfterHttpDate) {
  EXPECT_EQ(parse_retry_after("Wed, 01 May 2024 12:00:05 GMT", kNow), milliseconds(5000));
  EXPECT_EQ(parse_retry_after("Wed, 01 May 2024 11:59:00 GMT", kNow), milliseconds(0));  // in the past
  EXPECT_EQ(parse_retry_after("  7 ", kNow), milliseconds(7000));
  EXPECT_EQ(parse_retry_after("soon", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 31 Feb 2024 12:00:05 GMT", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);

  RetryPolicy policy;
  RetryDecision d = decide_retry(policy, context(1), status(503, "Wed, 01 May 2024 12:00:01 GMT"), fixed(0.5));
  EXPECT_EQ(d.delay, milliseconds(1000));
}

TEST(RetryPolicyTest, UnreadableRetryAfterFallsBackToBackoff) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  RetryDecision d = decide_retry(policy, context(1), status(429, "later"), fixed(0.5));
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(50));
}

TEST(RetryPolicyTest, GivesUpAfterMaxAttempts) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  EXPECT_TRUE(decide_retry(policy, context(2), status(503), fixed(0.5)).retry);
  RetryDecision d = decide_retry(policy, context(3), status(503), fixed(0.5));
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.gave_up_because, "gave up after 3 attempts");
}

TEST(RetryPolicyTest, GivesUpWhenTheWaitWouldEndPastTheTotalBudget) {
  RetryPolicy policy;
  policy.max_total = milliseconds(1000);
  EXPECT_TRUE(decide_retry(policy, context(1, true, milliseconds(500)), status(429, "0"), fixed(0.5)).retry);
  RetryDecision d = decide_retry(policy, context(1, true, milliseconds(500)), status(429, "1"), fixed(0.5));
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.gave_up_because, "gave up after 1 attempt (the retry budget of 1 s is spent)");
}

TEST(RetryPolicyTest, NoneMeansOneAttempt) {
  EXPECT_FALSE(decide_retry(RetryPolicy::none(), context(1), status(429), fixed(0.5)).retry);
}

}  // namespace
}  // namespace pier::kube
