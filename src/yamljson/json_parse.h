// JSON text to a value, with errors as `file:line:column: what was expected`.
//
//   auto schema = pier::yamljson::parse_json(text, "catalog/jetty/schema.json");
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::yamljson {

Result<nlohmann::json> parse_json(std::string_view text, std::string_view file_name);

// Reads a values document: JSON, or YAML when the name ends in .yaml/.yml.
Result<nlohmann::json> parse_json_or_yaml(std::string_view text, std::string_view file_name);

}  // namespace pier::yamljson
