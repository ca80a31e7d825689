#include "server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pier::server {
namespace {

// Seconds since the epoch at which the machine booted ("btime" of /proc/stat).
std::optional<double> boot_time() {
  std::ifstream stat("/proc/stat");
  std::string word;
  while (stat >> word) {
    if (word == "btime") {
      double seconds = 0;
      if (stat >> seconds) return seconds;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessStats> read_process_stats() try {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
  std::size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(paren + 2));
  // Fields from 3 (state) on; we want utime (14), stime (15), starttime (22), vsize (23), rss (24).
  std::vector<std::string> values;
  std::string value;
  while (values.size() < 22 && fields >> value) values.push_back(value);
  if (values.size() < 22) return std::nullopt;
  auto field = [&](int number) { return std::stod(values[static_cast<std::size_t>(number - 3)]); };

  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.cpu_seconds = (field(14) + field(15)) / ticks;
  stats.virtual_bytes = field(23);
  stats.resident_bytes = field(24) * page;
  if (auto boot = boot_time()) stats.start_time_seconds = *boot + field(22) / ticks;

  std::error_code ec;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++open;
  stats.open_fds = open;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
    stats.max_fds = limit.rlim_cur == RLIM_INFINITY ? 0 : static_cast<double>(limit.rlim_cur);
  return stats;
} catch (const std::exception&) {  // a field that is not a number: not the /proc we know
  return std::nullopt;
}

void write_process_metrics(std::string& out, const ProcessStats& stats) {
  auto one = [&](std::string_view name, std::string_view help, MetricType type, double value) {
    write_metric_header(out, name, help, type);
    out += name;
    out += ' ';
    out += format_metric_value(value);
    out += '\n';
  };
  one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType::kCounter,
      stats.cpu_seconds);
  one("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::kGauge, stats.resident_bytes);
  one("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::kGauge, stats.virtual_bytes);
  one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType::kGauge,
      stats.start_time_seconds);
  one("process_open_fds", "Number of open file descriptors.", MetricType::kGauge, stats.open_fds);
  one("process_max_fds", "Maximum number of open file descriptors.", MetricType::kGauge, stats.max_fds);
}

void add_process_metrics(MetricsRegistry& registry) {
  registry.add_collector([](std::string& out) {
    if (auto stats = read_process_stats()) write_process_metrics(out, *stats);
  });
}

}  // namespace pier::server
