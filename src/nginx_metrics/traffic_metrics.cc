#include "nginx_metrics/traffic_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pier::nginx_metrics {
namespace {

constexpr char kSep = '\x1f';
constexpr std::string_view kOther = "other";

std::vector<std::string_view> split_key(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  for (;;) {
    size_t end = key.find(kSep, begin);
    parts.push_back(key.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

void labels(std::string& out, std::initializer_list<std::string_view> names, const std::vector<std::string_view>& values) {
  out += '{';
  size_t i = 0;
  for (std::string_view name : names) {
    if (i) out += ',';
    out += name;
    out += "=\"";
    append_label_value(out, i < values.size() ? values[i] : std::string_view());
    out += '"';
    ++i;
  }
  out += '}';
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

TrafficMetrics::TrafficMetrics(TrafficMetricsOptions options) : options_(std::move(options)) {
  std::sort(options_.buckets.begin(), options_.buckets.end());
  options_.buckets.erase(std::unique(options_.buckets.begin(), options_.buckets.end()), options_.buckets.end());
  host_allow_.insert(options_.hosts.begin(), options_.hosts.end());
  upstream_allow_.insert(options_.upstreams.begin(), options_.upstreams.end());
}

std::string_view TrafficMetrics::host_label(std::string_view host) const {
  if (host_allow_.empty() || host_allow_.contains(host)) return host;
  return kOther;
}

std::string_view TrafficMetrics::upstream_label(std::string_view upstream) const {
  if (upstream_allow_.empty() || upstream_allow_.contains(upstream)) return upstream;
  return kOther;
}

template <class V>
V& TrafficMetrics::series(Table<V>& table, std::string_view key, size_t labels, std::string_view family) {
  if (auto it = table.find(key); it != table.end()) return it->second;
  if (table.size() >= options_.max_series) {
    auto folded = folded_.find(family);
    if (folded == folded_.end()) folded = folded_.emplace(std::string(family), 0).first;
    ++folded->second;
    // Every label "other": one series for all that did not fit.
    std::string other(kOther);
    for (size_t i = 1; i < labels; ++i) (other += kSep) += kOther;
    return table[other];
  }
  return table.emplace(std::string(key), V{}).first->second;
}

void TrafficMetrics::observe(Histogram& h, double value) const {
  if (h.counts.empty()) h.counts.assign(options_.buckets.size() + 1, 0);
  // Prometheus buckets are upper bounds, inclusive: le="0.1" counts 0.1.
  size_t i = static_cast<size_t>(std::lower_bound(options_.buckets.begin(), options_.buckets.end(), value) -
                                 options_.buckets.begin());
  ++h.counts[i];
  h.sum += value;
  ++h.count;
}

namespace {

void append_status(std::string& out, int status) {
  if (status <= 0) {
    out += "none";
    return;
  }
  char digits[3] = {static_cast<char>('0' + status / 100 % 10), static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10)};
  out.append(digits, 3);
}

}  // namespace

void TrafficMetrics::record(const AccessRecord& r) {
  ++requests_;
  std::string_view host = host_label(r.host);

  scratch_.assign(host);
  scratch_ += kSep;
  append_status(scratch_, r.status);
  if (options_.method_label) {
    scratch_ += kSep;
    scratch_ += r.method;
  }
  ++series(requests_by_, scratch_, options_.method_label ? 3 : 2, "nginx_http_requests_total");
  observe(series(durations_, host, 1, "nginx_http_request_duration_seconds"), r.request_seconds);
  series(bytes_, host, 1, "nginx_http_response_bytes_total") += r.bytes_sent;

  for (const auto& attempt : r.upstreams) {
    std::string_view upstream = attempt.address.empty() ? std::string_view("none") : upstream_label(attempt.address);
    scratch_.assign(host);
    scratch_ += kSep;
    scratch_ += upstream;
    if (attempt.seconds >= 0)
      observe(series(upstream_times_, scratch_, 2, "nginx_http_upstream_response_seconds"), attempt.seconds);
    scratch_ += kSep;
    append_status(scratch_, attempt.status);
    ++series(upstream_requests_, scratch_, 3, "nginx_http_upstream_requests_total");
  }
}

void TrafficMetrics::count_parse_error(std::string_view reason) {
  auto it = parse_errors_.find(reason);
  if (it == parse_errors_.end()) it = parse_errors_.emplace(std::string(reason), 0).first;
  ++it->second;
}

std::string TrafficMetrics::expose() const {
  std::string out;
  out.reserve(4096 + 128 * (requests_by_.size() + bytes_.size() + upstream_requests_.size()) +
              64 * (options_.buckets.size() + 3) * (durations_.size() + upstream_times_.size()));
  auto sorted = [](const auto& table) {
    std::vector<const typename std::decay_t<decltype(table)>::value_type*> rows;
    for (const auto& row : table) rows.push_back(&row);
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->first < b->first; });
    return rows;
  };
  auto histogram = [&](std::string_view name, std::initializer_list<std::string_view> names,
                       const std::vector<std::string_view>& values, const Histogram& h) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= options_.buckets.size(); ++i) {
      cumulative += h.counts.empty() ? 0 : h.counts[i];
      out += name;
      out += "_bucket{";
      size_t k = 0;
      for (std::string_view n : names) {
        out += n;
        out += "=\"";
        append_label_value(out, k < values.size() ? values[k] : std::string_view());
        out += "\",";
        ++k;
      }
      out += "le=\"";
      out += i < options_.buckets.size() ? number(options_.buckets[i]) : "+Inf";
      out += "\"} ";
      out += std::to_string(cumulative);
      out += '\n';
    }
    out += name;
    out += "_sum";
    labels(out, names, values);
    out += ' ' + number(h.sum) + '\n';
    out += name;
    out += "_count";
    labels(out, names, values);
    out += ' ' + std::to_string(h.count) + '\n';
  };

  header(out, "nginx_http_requests_total", "Requests by host and status.", "counter");
  for (const auto* row : sorted(requests_by_)) {
    out += "nginx_http_requests_total";
    auto parts = split_key(row->first);
    if (options_.method_label) labels(out, {"host", "status", "method"}, parts);
    else labels(out, {"host", "status"}, parts);
    out += ' ' + std::to_string(row->second) + '\n';
  }
  header(out, "nginx_http_request_duration_seconds", "Request time ($request_time) by host.", "histogram");
  for (const auto* row : sorted(durations_)) histogram("nginx_http_request_duration_seconds", {"host"}, {row->first}, row->second);
  header(out, "nginx_http_response_bytes_total", "Bytes sent to clients ($body_bytes_sent) by host.", "counter");
  for (const auto* row : sorted(bytes_)) {
    out += "nginx_http_response_bytes_total";
    labels(out, {"host"}, {row->first});
    out += ' ' + std::to_string(row->second) + '\n';
  }
  header(out, "nginx_http_upstream_requests_total", "Attempts to reach an upstream, by host, upstream and its status.",
         "counter");
  for (const auto* row : sorted(upstream_requests_)) {
    out += "nginx_http_upstream_requests_total";
    labels(out, {"host", "upstream", "status"}, split_key(row->first));
    out += ' ' + std::to_string(row->second) + '\n';
  }
  header(out, "nginx_http_upstream_response_seconds", "Upstream response time of each attempt, by host and upstream.",
         "histogram");
  for (const auto* row : sorted(upstream_times_))
    histogram("nginx_http_upstream_response_seconds", {"host", "upstream"}, split_key(row->first), row->second);
  header(out, "nginx_http_log_parse_errors_total", "Log lines that could not be parsed, by reason.", "counter");
  for (const auto& [reason, count] : parse_errors_) {
    out += "nginx_http_log_parse_errors_total";
    labels(out, {"reason"}, {reason});
    out += ' ' + std::to_string(count) + '\n';
  }
  header(out, "nginx_metrics_series_folded_total", "Label sets counted under \"other\" by the cardinality cap.", "counter");
  for (const auto& [family, count] : folded_) {
    out += "nginx_metrics_series_folded_total";
    labels(out, {"metric"}, {family});
    out += ' ' + std::to_string(count) + '\n';
  }
  return out;
}

}  // namespace pier::nginx_metrics
