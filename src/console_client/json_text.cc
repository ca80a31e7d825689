#include "console_client/json_text.h"

namespace pier::console_client {

namespace {

const nlohmann::json* find_field(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string field_text(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* value = find_field(object, name);
  if (!value || value->is_null()) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<long long> field_integer(const nlohmann::json& object, std::string_view name) {
  const nlohmann::json* value = find_field(object, name);
  if (!value || !value->is_number_integer()) return std::nullopt;
  return value->get<long long>();
}

const nlohmann::json& field_value(const nlohmann::json& object, std::string_view name) {
  static const nlohmann::json kNull;
  const nlohmann::json* value = find_field(object, name);
  if (!value || !(value->is_object() || value->is_array())) return kNull;
  return *value;
}

}  // namespace pier::console_client
