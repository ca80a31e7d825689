#include "console_client/api_paths.h"

namespace pier::console_client {

namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// A segment that is all dots would be read as "this folder" or "the parent
// folder" by whoever normalises the path: encode its dots.
std::string path_segment(std::string_view text) {
  if (text == "." || text == "..") return text == "." ? "%2E" : "%2E%2E";
  return percent_encode(text);
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

std::string release_path(const ReleaseRef& release, std::string_view action) {
  std::string path = "/api/v1/releases/" + path_segment(release.cluster) + "/" + path_segment(release.namespace_name) +
                     "/" + path_segment(release.name);
  if (!action.empty()) {
    path += '/';
    path += action;
  }
  return path;
}

std::string operation_events_path(std::string_view operation_id) {
  return "/api/v1/operations/" + path_segment(operation_id) + "/events";
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (value.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace pier::console_client
