#include "nginx_metrics/upstream_fields.h"

#include <cstdint>

namespace pier::nginx_metrics {
namespace {

// The next value of a multi-value field and the rest after its separator.
std::string_view next_value(std::string_view& rest) {
  size_t end = 0;
  while (end < rest.size()) {
    if (rest[end] == ',' && end + 1 < rest.size() && rest[end + 1] == ' ') break;
    if (rest[end] == ' ' && end + 2 < rest.size() && rest[end + 1] == ':' && rest[end + 2] == ' ') break;
    ++end;
  }
  std::string_view value = rest.substr(0, end);
  if (end == rest.size()) {
    rest = {};
  } else {
    rest.remove_prefix(end + (rest[end] == ',' ? 2 : 3));
  }
  return value;
}

bool absent(std::string_view value) { return value.empty() || value == "-"; }

}  // namespace

bool parse_unsigned(std::string_view text, uint64_t& value) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  value = v;
  return true;
}

bool parse_status(std::string_view text, int& status) {
  if (text.size() != 3) return false;
  uint64_t v = 0;
  if (!parse_unsigned(text, v) || v < 100) return false;
  status = static_cast<int>(v);
  return true;
}

bool parse_seconds(std::string_view text, double& seconds) {
  if (text.empty() || text.size() > 24) return false;
  uint64_t whole = 0, fraction = 0, scale = 1;
  size_t i = 0;
  bool digits = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
    digits = true;
  }
  if (i < text.size()) {
    if (text[i] != '.') return false;
    for (++i; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      if (scale < 1'000'000'000) {
        fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
        scale *= 10;
      }
      digits = true;
    }
  }
  if (!digits) return false;
  seconds = static_cast<double>(whole) + static_cast<double>(fraction) / static_cast<double>(scale);
  return true;
}

bool split_upstreams(std::string_view addresses, std::string_view statuses, std::string_view times,
                     std::vector<UpstreamAttempt>& attempts, double& total_seconds) {
  attempts.clear();
  total_seconds = -1;
  if (absent(addresses) && absent(statuses) && absent(times)) return true;
  while (!addresses.empty() || !statuses.empty() || !times.empty()) {
    UpstreamAttempt attempt;
    std::string_view address = next_value(addresses);
    std::string_view status = next_value(statuses);
    std::string_view time = next_value(times);
    if (!absent(address)) attempt.address = address;
    if (!absent(status) && !parse_status(status, attempt.status)) return false;
    if (!absent(time)) {
      if (!parse_seconds(time, attempt.seconds)) return false;
      total_seconds = (total_seconds < 0 ? 0 : total_seconds) + attempt.seconds;
    }
    attempts.push_back(attempt);
    if (attempts.size() > 64) return false;  // no nginx config tries this many
  }
  return true;
}

}  // namespace pier::nginx_metrics
