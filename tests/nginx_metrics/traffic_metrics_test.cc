#include "nginx_metrics/traffic_metrics.h"

#include <gtest/gtest.h>

#include "nginx_metrics/json_access_log.h"

namespace pier::nginx_metrics {
namespace {

AccessRecord parsed(JsonAccessLogParser& parser, const std::string& line) {
  AccessRecord r;
  EXPECT_TRUE(parser.parse(line, r)) << parser.problem() << ": " << line;
  return r;
}

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(TrafficMetrics, CountsStatusesTimesBytesAndEachUpstreamAttempt) {
  TrafficMetrics metrics;
  JsonAccessLogParser parser;
  for (int i = 0; i < 3; ++i)
    metrics.record(parsed(parser, R"({"host":"shop","status":200,"bytes_sent":100,"request_time":0.02,)"
                                  R"("upstream_addr":"10.0.0.1:80","upstream_status":"200","upstream_response_time":"0.015"})"));
  metrics.record(parsed(parser, R"({"host":"shop","status":502,"bytes_sent":50,"request_time":0.3,)"
                                R"("upstream_addr":"10.0.0.1:80, 10.0.0.2:80","upstream_status":"502, 502",)"
                                R"("upstream_response_time":"0.1, 0.2"})"));
  std::string text = metrics.expose();
  EXPECT_TRUE(has(text, R"(nginx_http_requests_total{host="shop",status="200"} 3)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_requests_total{host="shop",status="502"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_response_bytes_total{host="shop"} 350)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_bucket{host="shop",le="0.025"} 3)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_bucket{host="shop",le="0.25"} 3)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_bucket{host="shop",le="0.5"} 4)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_bucket{host="shop",le="+Inf"} 4)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_count{host="shop"} 4)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_requests_total{host="shop",upstream="10.0.0.1:80",status="200"} 3)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_requests_total{host="shop",upstream="10.0.0.1:80",status="502"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_requests_total{host="shop",upstream="10.0.0.2:80",status="502"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_response_seconds_count{host="shop",upstream="10.0.0.1:80"} 4)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_response_seconds_bucket{host="shop",upstream="10.0.0.2:80",le="0.1"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_upstream_response_seconds_bucket{host="shop",upstream="10.0.0.2:80",le="0.25"} 1)")) << text;
}

TEST(TrafficMetrics, BucketBoundsAreInclusiveAndConfigurable) {
  TrafficMetricsOptions options;
  options.buckets = {1, 0.1};  // any order
  TrafficMetrics metrics(options);
  AccessRecord r;
  r.host = "h";
  r.status = 200;
  r.request_seconds = 0.1;
  metrics.record(r);
  std::string text = metrics.expose();
  EXPECT_TRUE(has(text, R"(nginx_http_request_duration_seconds_bucket{host="h",le="0.1"} 1)")) << text;
}

TEST(TrafficMetrics, AllowListsAndTheSeriesCapFoldIntoOther) {
  TrafficMetricsOptions options;
  options.hosts = {"shop"};
  options.max_series = 2;
  TrafficMetrics metrics(options);
  AccessRecord r;
  r.status = 200;
  for (const char* host : {"shop", "evil-1", "evil-2"}) {
    r.host = host;
    metrics.record(r);
  }
  std::string text = metrics.expose();
  EXPECT_TRUE(has(text, R"(nginx_http_requests_total{host="shop",status="200"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_requests_total{host="other",status="200"} 2)")) << text;
  // Now the cap: a third label set does not get a series of its own.
  r.host = "shop";
  r.status = 404;
  metrics.record(r);
  text = metrics.expose();
  EXPECT_TRUE(has(text, R"(nginx_http_requests_total{host="other",status="other"} 1)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_metrics_series_folded_total{metric="nginx_http_requests_total"} 1)")) << text;
}

TEST(TrafficMetrics, LabelValuesAreEscaped) {
  TrafficMetrics metrics;
  AccessRecord r;
  r.host = "a\"b\\c\nd";
  r.status = 200;
  metrics.record(r);
  EXPECT_TRUE(has(metrics.expose(), R"(nginx_http_requests_total{host="a\"b\\c\nd",status="200"} 1)")) << metrics.expose();
}

TEST(TrafficMetrics, ParseErrorsByReason) {
  TrafficMetrics metrics;
  metrics.count_parse_error("truncated");
  metrics.count_parse_error("truncated");
  metrics.count_parse_error("no valid status");
  std::string text = metrics.expose();
  EXPECT_TRUE(has(text, R"(nginx_http_log_parse_errors_total{reason="truncated"} 2)")) << text;
  EXPECT_TRUE(has(text, R"(nginx_http_log_parse_errors_total{reason="no valid status"} 1)")) << text;
}

}  // namespace
}  // namespace pier::nginx_metrics
