// Structured logs: one JSON object per line, as log collectors (Fluent Bit,
// Loki, Elasticsearch) read them without parsing rules.
//
//   Logger log(std::make_shared<StderrLogSink>(), "server");
//   log.info("listening", {{"address", "127.0.0.1:8080"}, {"tls", true}});
//   // {"ts":"2026-11-29T12:00:00.123Z","level":"info","msg":"listening","component":"server","address":"127.0.0.1:8080","tls":true}
//
// Field values are strings, integers, floating-point numbers or booleans.
// Never pass secrets (tokens, passwords, bodies) as fields.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace pier::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

std::string_view level_name(LogLevel level);  // "debug", "info", "warn", "error"

// One key and value of a log line. The constructors pick the JSON type, so a
// string literal is a string (never a bool).
class LogField {
 public:
  LogField(std::string_view key, std::string_view value) : key_(key), kind_(Kind::kString), text_(value) {}
  LogField(std::string_view key, const char* value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, bool value) : key_(key), kind_(Kind::kBool), integer_(value) {}
  LogField(std::string_view key, int value) : key_(key), kind_(Kind::kInteger), integer_(value) {}
  LogField(std::string_view key, long value) : key_(key), kind_(Kind::kInteger), integer_(value) {}
  LogField(std::string_view key, long long value) : key_(key), kind_(Kind::kInteger), integer_(value) {}
  LogField(std::string_view key, unsigned value) : key_(key), kind_(Kind::kInteger), integer_(value) {}
  LogField(std::string_view key, unsigned long value)
      : key_(key), kind_(Kind::kInteger), integer_(static_cast<std::int64_t>(value)) {}
  LogField(std::string_view key, unsigned long long value)
      : key_(key), kind_(Kind::kInteger), integer_(static_cast<std::int64_t>(value)) {}
  LogField(std::string_view key, double value) : key_(key), kind_(Kind::kNumber), number_(value) {}

  // Appends `"key":value`.
  void append_to(std::string& out) const;

 private:
  enum class Kind { kString, kInteger, kNumber, kBool };
  std::string_view key_;
  Kind kind_;
  std::string_view text_;
  std::int64_t integer_ = 0;
  double number_ = 0;
};

// Where complete lines go. One interface, so that tests can read what was logged.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // `line` ends with '\n'; called from any thread.
  virtual void write(std::string_view line) = 0;
};

// Standard error, one write(2) per line so that lines from threads and
// processes never interleave.
class StderrLogSink final : public LogSink {
 public:
  void write(std::string_view line) override;

 private:
  std::mutex mutex_;
};

// Keeps the lines, for tests.
class MemoryLogSink final : public LogSink {
 public:
  void write(std::string_view line) override;
  std::vector<std::string> lines() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

class Logger {
 public:
  Logger(std::shared_ptr<LogSink> sink, std::string component, LogLevel min_level = LogLevel::kInfo,
         const Clock& clock = SystemClock::instance());

  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {}) const;
  void debug(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kDebug, message, fields);
  }
  void info(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kInfo, message, fields);
  }
  void warn(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kWarn, message, fields);
  }
  void error(std::string_view message, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kError, message, fields);
  }
  bool enabled(LogLevel level) const { return level >= min_level_; }

  // The same sink and level for another component.
  Logger for_component(std::string component) const;

 private:
  std::shared_ptr<LogSink> sink_;
  std::string component_;
  LogLevel min_level_;
  const Clock* clock_;
};

// The whole line, '\n' included.
std::string format_log_line(std::chrono::system_clock::time_point time, LogLevel level, std::string_view component,
                            std::string_view message, std::initializer_list<LogField> fields);
// "2026-11-29T12:00:00.123Z" (UTC, milliseconds).
std::string format_log_time(std::chrono::system_clock::time_point time);
// Appends `text` as a JSON string, quotes included; invalid UTF-8 bytes become U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace pier::server
