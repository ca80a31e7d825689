// A small Prometheus registry: counters, gauges and histograms with label
// sets, exposed in the text format 0.0.4.
//
//   MetricsRegistry& registry = server.metrics();
//   auto& deploys = registry.counter("pier_deploys_total", "Deploys by outcome.", {"outcome"});
//   deploys.with({"deployed"}).inc();
//   auto& render = registry.histogram("pier_render_seconds", "Render time.", {}, exponential_buckets(0.001, 2, 12));
//   render.with({}).observe(0.0042);
//   std::string text = registry.expose();   // what /metrics serves
//
// Thread-safe. Updating a metric is a few atomic operations; with() finds its
// label set under a shared lock (hold on to the returned reference on hot
// paths: it stays valid as long as the registry). Label values should come
// from small sets (a route pattern, never a raw path) so that the number of
// series stays bounded.
//
// Registering a name twice returns the same family when the type and labels
// agree; anything else (a bad name, another type, a wrong number of label
// values) is a programming error and stops the process with a message.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pier::server {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void dec(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds`: strictly increasing, without +Inf; owned by the family.
  explicit Histogram(const std::vector<double>& upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; the last is +Inf
  std::atomic<double> sum_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric name with its series, one per label set.
class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {}
  virtual ~MetricFamilyBase() = default;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Appends HELP, TYPE and every series.
  void write(std::string& out) const;

 protected:
  struct Series {
    std::vector<std::string> label_values;
    std::shared_ptr<void> metric;  // the Counter, Gauge or Histogram
  };
  // The series of these label values, made by `make` the first time.
  void* find_or_add(std::span<const std::string_view> values, const std::function<std::shared_ptr<void>()>& make);
  virtual void write_series(std::string& out, const Series& series) const = 0;

  // The `name{labels} value` lines of a series, with extra labels (le).
  void write_sample(std::string& out, std::string_view suffix, const Series& series, std::string_view extra_label,
                    std::string_view extra_value, double value) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Series, std::less<>> series_;  // by encoded label values
};

template <class Metric>
class MetricFamily final : public MetricFamilyBase {
 public:
  MetricFamily(std::string name, std::string help, MetricType type, std::vector<std::string> labels,
               std::vector<double> bounds = {})
      : MetricFamilyBase(std::move(name), std::move(help), type, std::move(labels)), bounds_(std::move(bounds)) {}

  // The series for these label values (as many as the family has labels).
  Metric& with(std::initializer_list<std::string_view> values) { return with(std::span(values.begin(), values.size())); }
  Metric& with(std::span<const std::string_view> values);

  const std::vector<double>& bounds() const { return bounds_; }

 private:
  void write_series(std::string& out, const Series& series) const override;
  std::vector<double> bounds_;  // histograms only
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  MetricFamily<Counter>& counter(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  MetricFamily<Gauge>& gauge(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  MetricFamily<Histogram>& histogram(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                     std::vector<double> upper_bounds);

  // Called at every exposition to append whole families (HELP, TYPE and
  // samples) computed at that moment, e.g. the process metrics.
  void add_collector(std::function<void(std::string& out)> collect);

  // Every family, sorted by name, then the collectors' text.
  std::string expose() const;

 private:
  MetricFamilyBase& add(std::unique_ptr<MetricFamilyBase> family);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<MetricFamilyBase>, std::less<>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

// start, start*factor, ... (count bounds).
std::vector<double> exponential_buckets(double start, double factor, int count);
// Request durations from 1 ms to 10 s.
std::vector<double> default_duration_buckets();

// Exposition helpers, also for collectors.
std::string format_metric_value(double value);         // "3", "0.25", "+Inf", "NaN"
std::string escape_label_value(std::string_view text);  // \\, \" and \n escaped
std::string escape_help(std::string_view text);         // \\ and \n escaped
// "# HELP name help\n# TYPE name type\n"
void write_metric_header(std::string& out, std::string_view name, std::string_view help, MetricType type);

}  // namespace pier::server

namespace pier::server {
extern template class MetricFamily<Counter>;
extern template class MetricFamily<Gauge>;
extern template class MetricFamily<Histogram>;
}  // namespace pier::server
