// HTTP header lists with case-insensitive lookup, as HTTP wants names compared.
//
//   pier::server::Headers headers{{"Content-Type", "application/json"}};
//   auto type = find_header(headers, "content-type");   // "application/json"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pier::server {

struct Header {
  std::string name;
  std::string value;
};

using Headers = std::vector<Header>;

// ASCII case-insensitive equality (header names, methods in Allow lists).
bool iequals(std::string_view a, std::string_view b);

// The value of the first header called `name` (any case); nullopt if none.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

// Replaces every header called `name` with one of the given value.
void set_header(Headers& headers, std::string_view name, std::string value);

}  // namespace pier::server
