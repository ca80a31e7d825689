// nginx's multi-value upstream variables ($upstream_addr, $upstream_status,
// $upstream_response_time): one value per server tried, `, ` between the
// attempts of one upstream and ` : ` between the upstreams of internal
// redirects; `-` where there is no value.
//
//   std::vector<UpstreamAttempt> attempts;
//   double total = -1;
//   bool ok = split_upstreams("10.0.0.1:80, 10.0.0.2:80", "502, 200", "0.010, 0.020", attempts, total);
//   // two attempts; total == 0.030
#pragma once

#include <string_view>
#include <vector>

#include "nginx_metrics/access_record.h"

namespace pier::nginx_metrics {

// Fills `attempts` (cleared first) position by position from the three
// fields, any of which may be empty or "-" (not logged). `total_seconds`
// is the sum of the times present, -1 when none is. False when a status or
// time is not a number (the line is then a parse error).
bool split_upstreams(std::string_view addresses, std::string_view statuses, std::string_view times,
                     std::vector<UpstreamAttempt>& attempts, double& total_seconds);

// Parses nginx's "0.123" / "12" (seconds, milliseconds resolution) without
// locale or allocation; false for anything else.
bool parse_seconds(std::string_view text, double& seconds);
bool parse_status(std::string_view text, int& status);
bool parse_unsigned(std::string_view text, uint64_t& value);

}  // namespace pier::nginx_metrics
