#include "common/text_position.h"

#include <algorithm>

namespace pier {

TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition pos;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++pos.column;  // count UTF-8 code points, not bytes
    }
  }
  return pos;
}

std::string format_position(std::string_view file, TextPosition pos) {
  return std::string(file) + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

}  // namespace pier
