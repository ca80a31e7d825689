#include "nginx_metrics/log_exporter.h"

#include <glob.h>

#include <condition_variable>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/files.h"

namespace pier::nginx_metrics {
namespace {

std::vector<std::string> expand(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  // A pattern without wildcards names a file to wait for.
  if (out.empty() && pattern.find_first_of("*?[") == std::string::npos) out.push_back(pattern);
  return out;
}

}  // namespace

LogExporter::LogExporter(LogExporterOptions options)
    : options_(std::move(options)), parser_(options_.fields), metrics_(options_.metrics) {}

Result<std::unique_ptr<LogExporter>> LogExporter::create(LogExporterOptions options) {
  if (options.globs.empty()) return fail(Error::invalid("no log to follow: give --log PATH or GLOB"));
  auto exporter = std::unique_ptr<LogExporter>(new LogExporter(std::move(options)));
  if (exporter->options_.format == LogExporterOptions::Format::kCombined) {
    auto combined = CombinedAccessLogParser::create(exporter->options_.combined_fields);
    if (!combined) return fail(combined.error());
    exporter->combined_.emplace(std::move(*combined));
  }
  const auto& state = exporter->options_.state_file;
  std::error_code ec;
  if (!state.empty() && std::filesystem::exists(state, ec)) {
    auto text = read_file(state);
    if (!text) return fail(text.error());
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("files") || !doc["files"].is_array())
      return fail(Error::invalid(state.string() + ": not a state file of pier nginx-metrics (expected {\"files\": [...]}); "
                                 "remove it to start over"));
    for (size_t i = 0; i < doc["files"].size(); ++i) {
      const auto& f = doc["files"][i];
      if (!f.is_object() || !f.value("path", nlohmann::json()).is_string() || !f.value("inode", nlohmann::json()).is_number_unsigned() ||
          !f.value("device", nlohmann::json()).is_number_unsigned() || !f.value("offset", nlohmann::json()).is_number_unsigned())
        return fail(Error::invalid(state.string() + ": /files/" + std::to_string(i) +
                                   ": expected {path, device, inode, offset}"));
      exporter->saved_[f["path"].get<std::string>()] =
          FilePosition{f["device"].get<uint64_t>(), f["inode"].get<uint64_t>(), f["offset"].get<uint64_t>()};
    }
  }
  return exporter;
}

void LogExporter::discover() {
  for (const auto& pattern : options_.globs) {
    for (const auto& path : expand(pattern)) {
      if (files_.contains(path)) continue;
      // Files there at start-up follow --from-start; files that appear
      // later are new and read whole.
      auto start = (first_discovery_ && !options_.from_start) ? LogTailer::Start::kEnd : LogTailer::Start::kBeginning;
      Followed followed;
      followed.tailer = std::make_unique<LogTailer>(path, start, options_.max_line);
      if (auto saved = saved_.find(path); saved != saved_.end()) followed.tailer->resume(saved->second);
      files_.emplace(path, std::move(followed));
    }
  }
  first_discovery_ = false;
}

uint64_t LogExporter::poll_once() {
  std::lock_guard lock(mutex_);
  discover();
  uint64_t bytes = 0;
  for (auto& [path, f] : files_) {
    PollStats stats = f.tailer->poll([&](std::string_view line) {
      if (combined_) {
        if (combined_->parse(line, record_))
          metrics_.record(record_);
        else
          metrics_.count_parse_error(combined_->problem());
        return;
      }
      if (parser_.parse(line, record_))
        metrics_.record(record_);
      else
        metrics_.count_parse_error(parser_.problem());
    });
    f.lines += stats.lines;
    f.bytes += stats.bytes;
    bytes += stats.bytes;
    f.too_long += stats.too_long;
    for (uint64_t i = 0; i < stats.too_long; ++i) metrics_.count_parse_error("line too long");
    if (stats.rotated) ++f.rotations;
    if (stats.truncated) ++f.truncations;
    if (stats.error) {
      ++f.errors;
      if (f.last_error != stats.error->message && options_.on_file_problem)
        options_.on_file_problem(path, stats.error->message);
      f.last_error = stats.error->message;
    } else if (!f.last_error.empty() && stats.bytes > 0) {
      if (options_.on_file_problem) options_.on_file_problem(path, "");
      f.last_error.clear();
    }
  }
  return bytes;
}

void LogExporter::read_to_end() {
  while (poll_once() > 0) {
  }
}

Result<void> LogExporter::save_positions() {
  if (options_.state_file.empty()) return {};
  nlohmann::json files = nlohmann::json::array();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [path, f] : files_) {
      FilePosition p = f.tailer->position();
      if (p.inode == 0) continue;
      files.push_back({{"path", path}, {"device", p.device}, {"inode", p.inode}, {"offset", p.offset}});
    }
  }
  return write_file_atomic(options_.state_file, nlohmann::json{{"files", files}}.dump(1) + "\n");
}

void LogExporter::run(std::stop_token stop) {
  auto last_save = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    poll_once();
    if (std::chrono::steady_clock::now() - last_save >= std::chrono::seconds(1)) {
      (void)save_positions();
      last_save = std::chrono::steady_clock::now();
    }
    std::unique_lock lock(sleep_mutex_);
    wake_.wait_for(lock, stop, options_.interval, [] { return false; });
  }
  poll_once();
  (void)save_positions();
}

uint64_t LogExporter::lines_read() const {
  std::lock_guard lock(mutex_);
  uint64_t n = 0;
  for (const auto& [path, f] : files_) n += f.lines;
  return n;
}

std::string LogExporter::expose() const {
  std::lock_guard lock(mutex_);
  std::string out = metrics_.expose();
  auto family = [&](const char* name, const char* help, const char* type, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [path, f] : files_) {
      out += name;
      out += "{log=\"";
      append_label_value(out, path);
      out += "\"} " + std::to_string(value(f)) + "\n";
    }
  };
  family("nginx_metrics_lines_read_total", "Lines read from the log.", "counter", [](const Followed& f) { return f.lines; });
  family("nginx_metrics_bytes_read_total", "Bytes read from the log.", "counter", [](const Followed& f) { return f.bytes; });
  family("nginx_metrics_lag_bytes", "Bytes written to the log and not read yet.", "gauge",
         [](const Followed& f) { return f.tailer->lag(); });
  family("nginx_metrics_rotations_total", "Rename rotations followed.", "counter", [](const Followed& f) { return f.rotations; });
  family("nginx_metrics_truncations_total", "copytruncate rotations followed.", "counter",
         [](const Followed& f) { return f.truncations; });
  family("nginx_metrics_log_errors_total", "Failures to open or read the log.", "counter", [](const Followed& f) { return f.errors; });
  return out;
}

}  // namespace pier::nginx_metrics
