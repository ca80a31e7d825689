#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

#include "server/programming_error.h"

namespace pier::server {
namespace {

bool is_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool is_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Length-prefixed, so that no two label sets share an encoding whatever bytes
// their values hold.
void encode_key(std::string& key, std::span<const std::string_view> values) {
  key.clear();
  for (std::string_view value : values) {
    auto size = static_cast<std::uint32_t>(value.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof size);
    key.append(value);
  }
}

}  // namespace

// ---- values ----

Histogram::Histogram(const std::vector<double>& upper_bounds)
    : bounds_(upper_bounds), buckets_(new std::atomic<std::uint64_t>[upper_bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  // Buckets are few (about a dozen): a linear scan beats a binary search.
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

// ---- families ----

void* MetricFamilyBase::find_or_add(std::span<const std::string_view> values,
                                    const std::function<std::shared_ptr<void>()>& make) {
  if (values.size() != label_names_.size())
    programming_error("metrics", name_ + ": " + std::to_string(values.size()) + " label values for " +
                                     std::to_string(label_names_.size()) + " labels");
  thread_local std::string key;
  encode_key(key, values);
  {
    std::shared_lock lock(mutex_);
    if (auto it = series_.find(key); it != series_.end()) return it->second.metric.get();
  }
  std::unique_lock lock(mutex_);
  auto [it, added] = series_.try_emplace(key);
  if (added) {
    it->second.label_values.assign(values.begin(), values.end());
    it->second.metric = make();
  }
  return it->second.metric.get();
}

void MetricFamilyBase::write(std::string& out) const {
  write_metric_header(out, name_, help_, type_);
  std::vector<const Series*> sorted;
  {
    std::shared_lock lock(mutex_);
    sorted.reserve(series_.size());
    for (const auto& [key, series] : series_) sorted.push_back(&series);
  }
  // Series are never removed, so the pointers stay valid without the lock.
  std::sort(sorted.begin(), sorted.end(),
            [](const Series* a, const Series* b) { return a->label_values < b->label_values; });
  for (const Series* series : sorted) write_series(out, *series);
}

void MetricFamilyBase::write_sample(std::string& out, std::string_view suffix, const Series& series,
                                    std::string_view extra_label, std::string_view extra_value, double value) const {
  out += name_;
  out += suffix;
  bool any = !label_names_.empty() || !extra_label.empty();
  if (any) {
    out += '{';
    bool first = true;
    auto label = [&](std::string_view name, std::string_view text) {
      if (!first) out += ',';
      first = false;
      out += name;
      out += "=\"";
      out += escape_label_value(text);
      out += '"';
    };
    for (std::size_t i = 0; i < label_names_.size(); ++i) label(label_names_[i], series.label_values[i]);
    if (!extra_label.empty()) label(extra_label, extra_value);
    out += '}';
  }
  out += ' ';
  out += format_metric_value(value);
  out += '\n';
}

template <class Metric>
Metric& MetricFamily<Metric>::with(std::span<const std::string_view> values) {
  void* metric = find_or_add(values, [this]() -> std::shared_ptr<void> {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      return std::make_shared<Histogram>(bounds_);
    } else {
      return std::make_shared<Metric>();
    }
  });
  return *static_cast<Metric*>(metric);
}

template <class Metric>
void MetricFamily<Metric>::write_series(std::string& out, const Series& series) const {
  const auto& metric = *static_cast<const Metric*>(series.metric.get());
  if constexpr (std::is_same_v<Metric, Histogram>) {
    Histogram::Snapshot snapshot = metric.snapshot();
    for (std::size_t i = 0; i < bounds_.size(); ++i)
      write_sample(out, "_bucket", series, "le", format_metric_value(bounds_[i]),
                   static_cast<double>(snapshot.cumulative[i]));
    write_sample(out, "_bucket", series, "le", "+Inf", static_cast<double>(snapshot.count));
    write_sample(out, "_sum", series, "", "", snapshot.sum);
    write_sample(out, "_count", series, "", "", static_cast<double>(snapshot.count));
  } else {
    write_sample(out, "", series, "", "", metric.value());
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

// ---- registry ----

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricFamilyBase& MetricsRegistry::add(std::unique_ptr<MetricFamilyBase> family) {
  const std::string& name = family->name();
  if (!is_metric_name(name)) programming_error("metrics", "\"" + name + "\" is not a metric name");
  for (const auto& label : family->label_names())
    if (!is_label_name(label) || (family->type() == MetricType::kHistogram && label == "le"))
      programming_error("metrics", name + ": \"" + label + "\" is not a usable label name");
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type() != family->type() || it->second->label_names() != family->label_names())
      programming_error("metrics", name + " registered twice with different types or labels");
    return *it->second;
  }
  MetricFamilyBase& added = *family;
  families_.emplace(name, std::move(family));
  return added;
}

MetricFamily<Counter>& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                                std::vector<std::string> labels) {
  return static_cast<MetricFamily<Counter>&>(add(std::make_unique<MetricFamily<Counter>>(
      std::string(name), std::string(help), MetricType::kCounter, std::move(labels))));
}

MetricFamily<Gauge>& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                            std::vector<std::string> labels) {
  return static_cast<MetricFamily<Gauge>&>(add(std::make_unique<MetricFamily<Gauge>>(
      std::string(name), std::string(help), MetricType::kGauge, std::move(labels))));
}

MetricFamily<Histogram>& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                                    std::vector<std::string> labels,
                                                    std::vector<double> upper_bounds) {
  if (upper_bounds.empty() || !std::is_sorted(upper_bounds.begin(), upper_bounds.end(), std::less_equal<>()) ||
      std::isinf(upper_bounds.back()))
    programming_error("metrics", std::string(name) + ": bucket bounds must be finite and strictly increasing");
  auto& family = static_cast<MetricFamily<Histogram>&>(add(std::make_unique<MetricFamily<Histogram>>(
      std::string(name), std::string(help), MetricType::kHistogram, std::move(labels), upper_bounds)));
  if (family.bounds() != upper_bounds)
    programming_error("metrics", std::string(name) + " registered twice with different buckets");
  return family;
}

void MetricsRegistry::add_collector(std::function<void(std::string& out)> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::expose() const {
  std::string out;
  out.reserve(16 * 1024);
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) family->write(out);
  for (const auto& collect : collectors_) collect(out);
  return out;
}

// ---- helpers ----

std::vector<double> exponential_buckets(double start, double factor, int count) {
  std::vector<double> bounds;
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) bounds.push_back(bound);
  return bounds;
}

std::vector<double> default_duration_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  // Whole numbers (counts) print without a fraction or exponent up to 2^53.
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
    return std::string(buffer, end);
  }
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest round-trip form
  return std::string(buffer, end);
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void write_metric_header(std::string& out, std::string_view name, std::string_view help, MetricType type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escape_help(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(type);
  out += '\n';
}

}  // namespace pier::server
