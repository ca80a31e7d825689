#include "console_client/text_style.h"

namespace pier::console_client {

namespace {

std::string_view ansi_start(Color which) {
  switch (which) {
    case Color::kRed:
      return "\x1b[31m";
    case Color::kGreen:
      return "\x1b[32m";
    case Color::kYellow:
      return "\x1b[33m";
    case Color::kCyan:
      return "\x1b[36m";
    case Color::kBold:
      return "\x1b[1m";
    case Color::kDim:
      return "\x1b[2m";
  }
  return "";
}

}  // namespace

std::string TextStyle::paint(std::string_view text, Color which) const {
  if (!color || text.empty()) return std::string(text);
  std::string out(ansi_start(which));
  out += text;
  out += "\x1b[0m";
  return out;
}

}  // namespace pier::console_client
