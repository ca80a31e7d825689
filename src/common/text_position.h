// Line and column (both 1-based) of a byte offset in a text, for messages of
// the form `file:line:column: what was expected`.
//
//   auto pos = pier::position_of(text, offset);
//   fmt::format("{}:{}:{}", file, pos.line, pos.column);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pier {

struct TextPosition {
  int line = 1;
  int column = 1;
};

TextPosition position_of(std::string_view text, std::size_t offset);

// "file:line:column"
std::string format_position(std::string_view file, TextPosition pos);

}  // namespace pier
