// Reading fields of the API's JSON for display without ever throwing: a
// missing or null field is "", a number or boolean its JSON text, so a
// server that adds, drops or retypes a field changes a cell, not the outcome.
//
//   field_text(revision, "app_version");   // "1.4.0"
//   field_text(revision, "revision");      // "3"
//   field_integer(release, "deployed_revision").value_or(0);
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pier::console_client {

std::string field_text(const nlohmann::json& object, std::string_view name);
std::optional<long long> field_integer(const nlohmann::json& object, std::string_view name);
// The field when it is an object or an array, else null.
const nlohmann::json& field_value(const nlohmann::json& object, std::string_view name);

}  // namespace pier::console_client
