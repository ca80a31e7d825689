#include "kube/retry_policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "kube/duration_text.h"

namespace pier::kube {

namespace {

using std::chrono::milliseconds;

bool is_retryable_status(int status, bool idempotent) {
  if (status == 429) return true;
  if (status == 500 || status == 502 || status == 503 || status == 504) return idempotent;
  return false;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// IMF-fixdate, the form RFC 9110 requires senders to use:
// "Sun, 06 Nov 1994 08:49:37 GMT". The obsolete forms are not accepted.
std::optional<std::chrono::system_clock::time_point> parse_imf_fixdate(std::string_view text) {
  // 0123456789012345678901234567890
  // Sun, 06 Nov 1994 08:49:37 GMT
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  auto day = parse_int(text.substr(5, 2));
  auto year = parse_int(text.substr(12, 4));
  auto hour = parse_int(text.substr(17, 2));
  auto minute = parse_int(text.substr(20, 2));
  auto second = parse_int(text.substr(23, 2));
  if (month_it == kMonths.end() || !day || !year || !hour || !minute || !second) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(*year),
                                   std::chrono::month(static_cast<unsigned>(month_it - kMonths.begin() + 1)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

milliseconds backoff(const RetryPolicy& policy, int attempt, const RandomUnit& random_unit) {
  // Ceiling doubles per attempt: base, 2*base, 4*base, ... up to max_delay.
  double ceiling = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, std::max(0, attempt - 1));
  ceiling = std::min(ceiling, static_cast<double>(policy.max_delay.count()));
  double unit = std::clamp(random_unit ? random_unit() : 0.5, 0.0, 1.0);
  return milliseconds(static_cast<int64_t>(ceiling * unit));
}

}  // namespace

bool is_retryable(const AttemptOutcome& outcome, bool idempotent) {
  switch (outcome.failure) {
    case TransportFailure::kNone:
      return is_retryable_status(outcome.status, idempotent);
    case TransportFailure::kNotSent:
      return true;
    case TransportFailure::kLostAfterSending:
      return idempotent;
    case TransportFailure::kTimedOut:
      // The caller's whole timeout has passed already; another attempt would
      // double what they agreed to wait.
      return false;
    case TransportFailure::kTls:
    case TransportFailure::kUnresolvedHost:
    case TransportFailure::kOther:
      return false;
  }
  return false;
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Saturate absurd values instead of failing: they get capped anyway.
    if (value.size() > 9) return milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::seconds(*parse_int(value));
  }
  auto date = parse_imf_fixdate(value);
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(*date - now);
}

RetryDecision decide_retry(const RetryPolicy& policy, const AttemptContext& context, const AttemptOutcome& outcome,
                           const RandomUnit& random_unit) {
  RetryDecision decision;
  if (!is_retryable(outcome, context.idempotent)) return decision;
  if (context.attempt >= policy.max_attempts) {
    decision.gave_up_because = "gave up after " + std::to_string(context.attempt) +
                               (context.attempt == 1 ? " attempt" : " attempts");
    return decision;
  }
  std::optional<milliseconds> server_wait;
  if (outcome.retry_after) server_wait = parse_retry_after(*outcome.retry_after, context.now);
  milliseconds delay = server_wait ? std::min(*server_wait, policy.max_retry_after)
                                   : backoff(policy, context.attempt, random_unit);
  if (context.elapsed + delay > policy.max_total) {
    decision.gave_up_because = "gave up after " + std::to_string(context.attempt) +
                               (context.attempt == 1 ? " attempt" : " attempts") + " (the retry budget of " +
                               duration_text(policy.max_total) + " is spent)";
    return decision;
  }
  decision.retry = true;
  decision.delay = delay;
  return decision;
}

}  // namespace pier::kube
