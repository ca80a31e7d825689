// The `pier nginx-metrics` loop: follows every file its globs match (new
// ones as they appear), parses each line, aggregates, keeps the read
// positions in a state file, and writes the metrics text with its own
// (lines and bytes read, lag, rotations, unreadable files) for /metrics.
//
//   LogExporter exporter(options);
//   std::jthread loop([&](std::stop_token stop) { exporter.run(stop); });
//   std::string text = exporter.expose();     // any thread
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/error.h"
#include "nginx_metrics/combined_access_log.h"
#include "nginx_metrics/json_access_log.h"
#include "nginx_metrics/log_tailer.h"
#include "nginx_metrics/traffic_metrics.h"

namespace pier::nginx_metrics {

struct LogExporterOptions {
  std::vector<std::string> globs;          // "/var/log/nginx/*.access.log"
  bool from_start = false;                 // a file seen at start-up: from its beginning (default: its end)
  std::filesystem::path state_file;        // "" = positions not kept
  enum class Format { kJson, kCombined } format = Format::kJson;
  JsonFieldNames fields;                   // kJson: the keys
  std::vector<std::string> combined_fields = default_combined_fields();  // kCombined: after the combined part
  TrafficMetricsOptions metrics;
  std::chrono::milliseconds interval{250};
  // Told once per new problem with a file (unreadable, a read error), and
  // when it is readable again (error empty): the daemon logs it.
  std::function<void(const std::string& path, const std::string& error)> on_file_problem;
  size_t max_line = 64 * 1024;
};

class LogExporter {
 public:
  // kInvalidInput for no glob; a state file that cannot be read is an error
  // naming it (a restart must not silently count everything again).
  static Result<std::unique_ptr<LogExporter>> create(LogExporterOptions options);

  // Polls until stop is requested; saves the positions at the end.
  void run(std::stop_token stop);
  // One pass over every file (run() calls it; tests call it directly);
  // returns the bytes read.
  uint64_t poll_once();
  // Passes until one reads nothing: every file to its end (`--once`).
  void read_to_end();
  Result<void> save_positions();

  std::string expose() const;
  uint64_t lines_read() const;

 private:
  explicit LogExporter(LogExporterOptions options);
  void discover();

  struct Followed {
    std::unique_ptr<LogTailer> tailer;
    uint64_t lines = 0, bytes = 0, too_long = 0, rotations = 0, truncations = 0, errors = 0;
    std::string last_error;
  };

  LogExporterOptions options_;
  JsonAccessLogParser parser_;
  std::optional<CombinedAccessLogParser> combined_;
  AccessRecord record_;
  std::map<std::string, FilePosition> saved_;  // from the state file, by path
  std::mutex sleep_mutex_;                     // run()'s wait between passes, cut short by stop
  std::condition_variable_any wake_;
  mutable std::mutex mutex_;                   // guards everything below
  TrafficMetrics metrics_;
  std::map<std::string, Followed> files_;      // by path
  bool first_discovery_ = true;
};

}  // namespace pier::nginx_metrics
