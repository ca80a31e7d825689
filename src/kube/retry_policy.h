// When to send a request to the API server again, and after how long. Pure:
// the caller reports what happened to an attempt and gets a decision back.
//
//   RetryPolicy policy;                       // 5 attempts, 30 s in all
//   AttemptOutcome outcome{.status = 429, .retry_after = "2"};
//   RetryDecision d = decide_retry(policy, {.attempt = 1, .elapsed = 40ms,
//                                           .idempotent = false, .now = wall_now},
//                                  outcome, random_unit);
//   if (d.retry) sleep_for(d.delay);
//
// The rules, in order:
//   - TLS failures, a host name that does not resolve, and every 4xx but 429
//     are never retried: the next attempt fails the same way.
//   - A connection that failed before the request was sent (refused, reset
//     during the handshake, connect timeout) is always retried: the server
//     has not seen the request.
//   - 429 is always retried: the server refused the request without acting.
//   - 500, 502, 503, 504 and a connection lost after sending are retried only
//     for idempotent requests: a POST may already have taken effect.
//   - Waiting: Retry-After (seconds or an HTTP-date) when the server sends
//     one, capped at max_retry_after; otherwise exponential backoff with full
//     jitter (a uniform random delay in [0, min(max_delay, base * 2^(n-1)))),
//     so that many clients failing at once do not come back at once.
//   - Giving up: after max_attempts attempts, or when waiting would end past
//     max_total since the first attempt.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pier::kube {

// What went wrong below HTTP, as far as retrying cares.
enum class TransportFailure {
  kNone,              // an HTTP response arrived (see status)
  kNotSent,           // connection refused/reset/timed out before the request was sent
  kLostAfterSending,  // the connection broke after the request may have reached the server
  kTimedOut,          // the whole-request timeout passed while waiting for the response
  kTls,               // certificate verification or handshake refused
  kUnresolvedHost,    // the host name does not resolve
  kOther,             // anything else (malformed URL, out of memory, ...)
};

struct RetryPolicy {
  int max_attempts = 5;                                 // including the first
  std::chrono::milliseconds base_delay{200};            // backoff before the 2nd attempt, at most
  std::chrono::milliseconds max_delay{5'000};           // backoff never exceeds this
  std::chrono::milliseconds max_retry_after{10'000};    // a longer Retry-After is shortened to this
  std::chrono::milliseconds max_total{30'000};          // from the first attempt to the end of the last wait

  // No retries at all (tests, or callers that retry themselves).
  static RetryPolicy none() {
    RetryPolicy p;
    p.max_attempts = 1;
    return p;
  }
};

struct AttemptOutcome {
  int status = 0;  // HTTP status when failure == kNone
  TransportFailure failure = TransportFailure::kNone;
  std::optional<std::string> retry_after;  // the Retry-After header, if any
};

struct AttemptContext {
  int attempt = 1;                              // attempts made so far, including this one
  std::chrono::milliseconds elapsed{0};         // since the first attempt started
  bool idempotent = true;                       // HttpRequest::idempotent
  std::chrono::system_clock::time_point now{};  // to read a Retry-After HTTP-date
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
  // Why not, in words, when retry is false and retrying was considered
  // (e.g. "gave up after 5 attempts"); empty when the outcome is final by nature.
  std::string gave_up_because;
};

// Uniform random number in [0, 1). Injected so that tests are exact.
using RandomUnit = std::function<double()>;

// Whether this outcome can ever be worth another attempt (ignores budgets).
bool is_retryable(const AttemptOutcome& outcome, bool idempotent);

RetryDecision decide_retry(const RetryPolicy& policy, const AttemptContext& context, const AttemptOutcome& outcome,
                           const RandomUnit& random_unit);

// Retry-After: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); a
// date in the past means zero. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace pier::kube
