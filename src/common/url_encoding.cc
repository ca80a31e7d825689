#include "common/url_encoding.h"

namespace pier {
namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

template <class KeepFn>
std::string percent_encode(std::string_view text, KeepFn keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (keep(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view text) { return percent_encode(text, is_unreserved); }

std::string encode_path_segment(std::string_view segment) {
  return percent_encode(segment, [](char c) { return is_unreserved(c) || c == ':' || c == '@'; });
}

std::string encode_query_value(std::string_view value) { return percent_encode(value, is_unreserved); }

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += encode_query_value(name);
    out += '=';
    out += encode_query_value(value);
  }
  return out;
}

}  // namespace pier
