// The server's own metrics, registered in its registry:
//   http_requests_total{method,route,code}          counter
//   http_request_duration_seconds{method,route}     histogram (streams excluded)
//   http_requests_in_flight                         gauge
//   http_connections_open                           gauge
//   http_sse_streams_open                           gauge
// `route` is the matched pattern ("unmatched" when none), `method` one of
// the standard methods or "other": the number of series stays bounded
// whatever clients send.
#pragma once

#include <string_view>

#include "server/metrics.h"

namespace pier::server {

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry& registry);

  // A finished request; `seconds` < 0 records the count only (streams).
  void observe(std::string_view method, std::string_view route, int status, double seconds);

  Gauge& in_flight() { return in_flight_; }
  Gauge& connections() { return connections_; }
  Gauge& sse_streams() { return sse_streams_; }

 private:
  MetricFamily<Counter>& requests_;
  MetricFamily<Histogram>& durations_;
  Gauge& in_flight_;
  Gauge& connections_;
  Gauge& sse_streams_;
};

// GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS as they are; anything else "other".
std::string_view method_label(std::string_view method);

}  // namespace pier::server
