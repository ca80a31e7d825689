// The business metrics of nginx access logs, aggregated as lines arrive and
// written in the Prometheus text format on demand:
//
//   nginx_http_requests_total{host,status[,method]}
//   nginx_http_request_duration_seconds{host}                  histogram of $request_time
//   nginx_http_response_bytes_total{host}
//   nginx_http_upstream_requests_total{host,upstream,status}   one per attempt
//   nginx_http_upstream_response_seconds{host,upstream}        histogram, one per attempt
//   nginx_http_log_parse_errors_total{reason}
//   nginx_metrics_series_folded_total{metric}                  label sets sent to "other"
//
// Cardinality is bounded (what blew up Prometheus with ingress-nginx's
// per-path labels): hosts and upstreams outside an allow-list, and any new
// label set once a family has max_series of them, are counted under
// "other", and the folding itself is counted.
//
//   TrafficMetrics metrics(options);
//   metrics.record(record);            // one parsed line
//   std::string text = metrics.expose();
//
// Not thread-safe: the daemon holds a lock around a poll's records and
// around expose().
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nginx_metrics/access_record.h"

namespace pier::nginx_metrics {

struct TrafficMetricsOptions {
  std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::vector<std::string> hosts;      // allow-list; empty: every host
  std::vector<std::string> upstreams;  // allow-list; empty: every upstream
  size_t max_series = 2000;            // per family
  bool method_label = false;
};

// Appends a label value escaped for the text format (\\, \" and \n).
void append_label_value(std::string& out, std::string_view value);

class TrafficMetrics {
 public:
  explicit TrafficMetrics(TrafficMetricsOptions options = {});

  void record(const AccessRecord& record);
  void count_parse_error(std::string_view reason);
  std::string expose() const;

  uint64_t requests() const { return requests_; }

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket, not cumulative; last = +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using Table = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  // The series of `key` (label values joined by \x1f), or the all-"other"
  // one when the family already has max_series (counted in folded_).
  template <class V>
  V& series(Table<V>& table, std::string_view key, size_t labels, std::string_view family);
  std::string_view host_label(std::string_view host) const;
  std::string_view upstream_label(std::string_view upstream) const;
  void observe(Histogram& h, double value) const;

  TrafficMetricsOptions options_;
  std::set<std::string, std::less<>> host_allow_;
  std::set<std::string, std::less<>> upstream_allow_;
  Table<uint64_t> requests_by_;       // key: host \x1f status [\x1f method]
  Table<Histogram> durations_;        // key: host
  Table<uint64_t> bytes_;             // key: host
  Table<uint64_t> upstream_requests_; // key: host \x1f upstream \x1f status
  Table<Histogram> upstream_times_;   // key: host \x1f upstream
  std::map<std::string, uint64_t, std::less<>> parse_errors_;
  std::map<std::string, uint64_t, std::less<>> folded_;
  std::string scratch_;
  uint64_t requests_ = 0;
};

}  // namespace pier::nginx_metrics
