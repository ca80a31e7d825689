#include "console_client/time_text.h"

#include <charconv>
#include <ctime>

namespace pier::console_client {

namespace {

// Reads exactly `digits` digits at `at`.
bool read_number(std::string_view text, std::size_t at, std::size_t digits, int& out) {
  if (at + digits > text.size()) return false;
  for (std::size_t i = at; i < at + digits; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  std::from_chars(text.data() + at, text.data() + at + digits, out);
  return true;
}

std::string format_local(std::string_view api_time, const char* format) {
  auto at = parse_api_time(api_time);
  if (!at) return std::string(api_time);
  std::time_t seconds = std::chrono::system_clock::to_time_t(*at);
  std::tm local{};
  if (!localtime_r(&seconds, &local)) return std::string(api_time);
  char buffer[64];
  std::size_t length = std::strftime(buffer, sizeof buffer, format, &local);
  return std::string(buffer, length);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_api_time(std::string_view text) {
  std::tm parts{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_number(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !read_number(text, 5, 2, month) ||
      text[7] != '-' || !read_number(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_number(text, 11, 2, hour) || text[13] != ':' || !read_number(text, 14, 2, minute) || text[16] != ':' ||
      !read_number(text, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t at = 19;
  long long fraction_ms = 0;
  if (at < text.size() && text[at] == '.') {
    std::size_t start = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start) return std::nullopt;
    int scale = 100;
    for (std::size_t i = start; i < at && scale > 0; ++i, scale /= 10) fraction_ms += (text[i] - '0') * scale;
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int offset_hours = 0, offset_mins = 0;
    if (!read_number(text, at + 1, 2, offset_hours) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !read_number(text, at + 4, 2, offset_mins))
      return std::nullopt;
    offset_minutes = (offset_hours * 60 + offset_mins) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  std::time_t utc = timegm(&parts);
  return std::chrono::system_clock::from_time_t(utc) - std::chrono::minutes(offset_minutes) +
         std::chrono::milliseconds(fraction_ms);
}

std::string local_time_of_day(std::string_view api_time) { return format_local(api_time, "%H:%M:%S"); }

std::string local_date_time(std::string_view api_time) { return format_local(api_time, "%Y-%m-%d %H:%M:%S"); }

}  // namespace pier::console_client
