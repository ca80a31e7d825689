#include "server/headers.h"

#include <algorithm>

namespace pier::server {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& header : headers)
    if (iequals(header.name, name)) return std::string_view(header.value);
  return std::nullopt;
}

void set_header(Headers& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const Header& h) { return iequals(h.name, name); });
  headers.push_back(Header{std::string(name), std::move(value)});
}

}  // namespace pier::server
