// The standard process metrics Prometheus client libraries export, read from
// /proc at each scrape:
//   process_cpu_seconds_total, process_resident_memory_bytes,
//   process_virtual_memory_bytes, process_start_time_seconds,
//   process_open_fds, process_max_fds.
//
//   add_process_metrics(registry);
#pragma once

#include <optional>
#include <string>

#include "server/metrics.h"

namespace pier::server {

struct ProcessStats {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;  // since the Unix epoch
  double open_fds = 0;
  double max_fds = 0;
};

// This process's figures; nullopt when /proc cannot be read.
std::optional<ProcessStats> read_process_stats();

// The families of `stats` in the text format.
void write_process_metrics(std::string& out, const ProcessStats& stats);

// Registers a collector that reads and writes them at every scrape.
void add_process_metrics(MetricsRegistry& registry);

}  // namespace pier::server
