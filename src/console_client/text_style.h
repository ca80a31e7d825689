// Colour for terminal output, or none: the same text either way, so that
// output piped to a file or a test reads plainly.
//
//   TextStyle style{.color = isatty(1) && !getenv("NO_COLOR")};
//   out += style.paint("+  replicas: 4", Color::kGreen);
#pragma once

#include <string>
#include <string_view>

namespace pier::console_client {

enum class Color { kRed, kGreen, kYellow, kCyan, kBold, kDim };

struct TextStyle {
  bool color = false;

  // `text` wrapped in the colour's ANSI escape and a reset; as it is without colour.
  std::string paint(std::string_view text, Color which) const;
};

}  // namespace pier::console_client
