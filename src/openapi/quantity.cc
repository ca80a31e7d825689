#include "openapi/quantity.h"

#include <array>
#include <cstddef>

namespace pier::openapi {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_digits(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  return pos;
}

// "e3", "E-3", "e+12": the exponent must parse as a signed 64-bit integer.
bool is_exponent(std::string_view suffix) {
  if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return false;
  std::size_t pos = 1;
  const bool negative = suffix[pos] == '-';
  if (suffix[pos] == '+' || suffix[pos] == '-') ++pos;
  if (pos == suffix.size() || skip_digits(suffix, pos) != suffix.size()) return false;
  std::string_view digits = suffix.substr(pos);
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  constexpr std::string_view kMax = "9223372036854775807";  // and ...808 when negative
  if (digits.size() != kMax.size()) return digits.size() < kMax.size();
  return negative ? digits <= "9223372036854775808" : digits <= kMax;
}

}  // namespace

bool is_valid_quantity(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  const std::size_t int_end = skip_digits(text, pos);
  std::size_t digits = int_end - pos;
  pos = int_end;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t frac_end = skip_digits(text, pos + 1);
    digits += frac_end - (pos + 1);
    pos = frac_end;
  }
  if (digits == 0) return false;
  const std::string_view suffix = text.substr(pos);
  static constexpr std::array<std::string_view, 15> kSuffixes = {
      "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P"};
  for (std::string_view s : kSuffixes) {
    if (suffix == s) return true;
  }
  return suffix == "E" || is_exponent(suffix);
}

}  // namespace pier::openapi
