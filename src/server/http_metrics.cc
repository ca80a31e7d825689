#include "server/http_metrics.h"

#include <array>
#include <charconv>

namespace pier::server {

std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view known : kMethods)
    if (known == method) return known;
  return "other";
}

HttpMetrics::HttpMetrics(MetricsRegistry& registry)
    : requests_(registry.counter("http_requests_total", "HTTP requests answered, by method, route pattern and status code.",
                                 {"method", "route", "code"})),
      durations_(registry.histogram("http_request_duration_seconds",
                                    "Time from the first byte of a request to the last byte of its response.",
                                    {"method", "route"}, default_duration_buckets())),
      in_flight_(registry.gauge("http_requests_in_flight", "Requests being handled now.").with({})),
      connections_(registry.gauge("http_connections_open", "Open client connections.").with({})),
      sse_streams_(registry.gauge("http_sse_streams_open", "Open Server-Sent Events streams.").with({})) {}

void HttpMetrics::observe(std::string_view method, std::string_view route, int status, double seconds) {
  std::string_view label = method_label(method);
  if (route.empty()) route = "unmatched";
  char code[8];
  auto [end, ec] = std::to_chars(code, code + sizeof code, status);
  requests_.with({label, route, std::string_view(code, static_cast<std::size_t>(end - code))}).inc();
  if (seconds >= 0) durations_.with({label, route}).observe(seconds);
}

}  // namespace pier::server
