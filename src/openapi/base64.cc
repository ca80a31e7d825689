#include "openapi/base64.h"

#include <cstddef>

namespace pier::openapi {

namespace {

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

bool is_valid_base64(std::string_view text) {
  std::size_t count = 0;    // significant characters seen
  std::size_t padding = 0;  // '=' seen; only more '=' may follow one
  for (char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      // Padding may only fill the third and fourth place of the last group.
      if (count % 4 < 2) return false;
      ++padding;
    } else if (!in_alphabet(c) || padding > 0) {
      return false;
    }
    ++count;
  }
  return count % 4 == 0 && padding <= 2;
}

}  // namespace pier::openapi
