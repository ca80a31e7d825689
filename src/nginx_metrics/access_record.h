// One nginx access-log line as the metrics need it. Views point into the
// line (or into the parser's scratch buffer for JSON values that had
// escapes): a record is valid until the next line is parsed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace pier::nginx_metrics {

// One attempt to reach an upstream. nginx logs one per server tried
// (`, ` between attempts, ` : ` across internal redirects).
struct UpstreamAttempt {
  std::string_view address;  // "10.0.0.1:8080", "unix:/run/app.sock"; "" when nginx logged none
  int status = 0;            // 0: none logged ("-")
  double seconds = -1;       // -1: none logged ("-")
};

struct AccessRecord {
  std::string_view host;
  std::string_view method;  // "" when the format does not log it
  int status = 0;
  uint64_t bytes_sent = 0;
  double request_seconds = 0;
  std::vector<UpstreamAttempt> upstreams;
  // The request's upstream time: the sum over its attempts; -1 when it
  // reached no upstream.
  double upstream_seconds = -1;

  void clear() {
    host = method = {};
    status = 0;
    bytes_sent = 0;
    request_seconds = 0;
    upstreams.clear();
    upstream_seconds = -1;
  }
};

}  // namespace pier::nginx_metrics
