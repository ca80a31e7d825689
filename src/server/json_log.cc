#include "server/json_log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <ctime>

namespace pier::server {
namespace {

// Length of the valid UTF-8 sequence at the start of `text`, or 0.
std::size_t utf8_sequence_length(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  std::size_t length;
  std::uint32_t code;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
      (code >= 0xD800 && code <= 0xDFFF))
    return 0;
  return length;
}

}  // namespace

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void LogField::append_to(std::string& out) const {
  append_json_string(out, key_);
  out += ':';
  char buffer[32];
  switch (kind_) {
    case Kind::kString:
      append_json_string(out, text_);
      break;
    case Kind::kBool:
      out += integer_ ? "true" : "false";
      break;
    case Kind::kInteger: {
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, integer_);
      out.append(buffer, end);
      break;
    }
    case Kind::kNumber: {
      if (!std::isfinite(number_)) {
        out += "null";  // JSON has no NaN or infinity
        break;
      }
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number_);
      out.append(buffer, end);
      break;
    }
  }
}

std::string format_log_time(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
  std::time_t seconds = static_cast<std::time_t>(floor<std::chrono::seconds>(since_epoch).count());
  int millis = static_cast<int>(since_epoch.count() - static_cast<long long>(seconds) * 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", millis);
  return buffer;
}

std::string format_log_line(std::chrono::system_clock::time_point time, LogLevel level, std::string_view component,
                            std::string_view message, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(160 + message.size());
  line += R"({"ts":")";
  line += format_log_time(time);
  line += R"(","level":")";
  line += level_name(level);
  line += R"(","msg":)";
  append_json_string(line, message);
  line += R"(,"component":)";
  append_json_string(line, component);
  for (const LogField& field : fields) {
    line += ',';
    field.append_to(line);
  }
  line += "}\n";
  return line;
}

void StderrLogSink::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  while (!line.empty()) {
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to report a failing stderr
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

void MemoryLogSink::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  lines_.emplace_back(line);
}

std::vector<std::string> MemoryLogSink::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

Logger::Logger(std::shared_ptr<LogSink> sink, std::string component, LogLevel min_level, const Clock& clock)
    : sink_(std::move(sink)), component_(std::move(component)), min_level_(min_level), clock_(&clock) {}

void Logger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) const {
  if (!enabled(level) || !sink_) return;
  sink_->write(format_log_line(clock_->wall_now(), level, component_, message, fields));
}

Logger Logger::for_component(std::string component) const {
  return Logger(sink_, std::move(component), min_level_, *clock_);
}

}  // namespace pier::server
