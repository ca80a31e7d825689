#include "yamljson/scalar_resolve.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace pier::yamljson {

namespace {

using namespace std::string_view_literals;
constexpr std::array kTrue = {"y"sv, "Y"sv, "yes"sv, "Yes"sv, "YES"sv, "true"sv, "True"sv, "TRUE"sv, "on"sv, "On"sv, "ON"sv};
constexpr std::array kFalse = {"n"sv, "N"sv, "no"sv, "No"sv, "NO"sv, "false"sv, "False"sv, "FALSE"sv, "off"sv, "Off"sv, "OFF"sv};
constexpr std::array kNull = {""sv, "~"sv, "null"sv, "Null"sv, "NULL"sv};

template <size_t N>
bool one_of(std::string_view text, const std::array<std::string_view, N>& words) {
  if (text.size() > 5) return false;  // longer than every word
  for (std::string_view w : words)
    if (text == w) return true;
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?  (after removing '_')
bool looks_like_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  bool dot = false;
  if (i < s.size() && s[i] == '.') {
    dot = true;
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (int_digits == 0 && !dot) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::string without_underscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != '_') out.push_back(c);
  return out;
}

// Integers with go's strconv.ParseInt(s, 0, 64) prefixes: 0x, 0o, 0b, and a
// leading 0 for octal (YAML 1.1).
std::optional<nlohmann::json> parse_integer(std::string_view text) {
  std::string s = without_underscores(text);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i >= s.size() || !is_digit(s[i])) return std::nullopt;
  int base = 10;
  if (s[i] == '0' && i + 1 < s.size()) {
    char p = s[i + 1];
    if (p == 'x' || p == 'X') base = 16, i += 2;
    else if (p == 'o' || p == 'O') base = 8, i += 2;
    else if (p == 'b' || p == 'B') base = 2, i += 2;
    else base = 8, i += 1;
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), magnitude, base);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return std::nullopt;  // falls through to float
  if (negative) {
    if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return nlohmann::json(static_cast<int64_t>(0 - magnitude));
  }
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return nlohmann::json(magnitude);
  return nlohmann::json(static_cast<int64_t>(magnitude));
}

}  // namespace

nlohmann::json resolve_plain_scalar(std::string_view text) {
  if (one_of(text, kNull)) return nullptr;
  if (one_of(text, kTrue)) return true;
  if (one_of(text, kFalse)) return false;
  if (text.empty()) return std::string();
  char first = text[0];
  if (is_digit(first) || first == '-' || first == '+' || first == '.') {
    if (auto integer = parse_integer(text)) return *integer;
    std::string s = without_underscores(text);
    if (looks_like_float(s)) {
      double value = 0;
      const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
      auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
      if (end == s.data() + s.size()) {
        if (ec == std::errc::result_out_of_range)
          value = s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return value;
      }
    }
    std::string_view body = text;
    if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
    if (body == ".inf" || body == ".Inf" || body == ".INF")
      return text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  }
  return std::string(text);
}

bool plain_scalar_is_ambiguous(std::string_view text) {
  if (one_of(text, kNull) || one_of(text, kTrue) || one_of(text, kFalse)) return true;
  // Only text that starts like a number can read as one; resolving builds a
  // value, so skip it for the usual names and words (the emitter asks for every string).
  const char first = text[0];
  if ((is_digit(first) || first == '-' || first == '+' || first == '.') && !resolve_plain_scalar(text).is_string())
    return true;
  // YAML 1.2 readers: "0o17" and floats like "1e3" are numbers there too, and
  // 1.1 readers take "<<" as a merge key, "=" as a value key; PyYAML reads
  // 2001-12-14 as a date. Treat all of them as ambiguous.
  if (text == "<<" || text == "=") return true;
  if (text.size() >= 8 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) && is_digit(text[3]) &&
      text[4] == '-')
    return true;
  return false;
}

}  // namespace pier::yamljson
