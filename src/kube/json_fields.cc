#include "kube/json_fields.h"

#include <cstdio>

namespace pier::kube::fields {

const nlohmann::json* find(const nlohmann::json& object, Path path) {
  const nlohmann::json* at = &object;
  for (std::string_view key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string string_at(const nlohmann::json& object, Path path) {
  const nlohmann::json* value = find(object, path);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::optional<int64_t> optional_int_at(const nlohmann::json& object, Path path) {
  const nlohmann::json* value = find(object, path);
  if (value == nullptr || !value->is_number_integer()) return std::nullopt;
  return value->get<int64_t>();
}

int64_t int_at(const nlohmann::json& object, Path path) { return optional_int_at(object, path).value_or(0); }

std::string label(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* labels = find(object, {"metadata", "labels"});
  return labels != nullptr ? string_at(*labels, {key}) : std::string();
}

std::string annotation(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* annotations = find(object, {"metadata", "annotations"});
  return annotations != nullptr ? string_at(*annotations, {key}) : std::string();
}

std::string name_of(const nlohmann::json& object) { return string_at(object, {"metadata", "name"}); }
std::string namespace_of(const nlohmann::json& object) { return string_at(object, {"metadata", "namespace"}); }
std::string uid_of(const nlohmann::json& object) { return string_at(object, {"metadata", "uid"}); }

bool is_controlled_by(const nlohmann::json& object, const nlohmann::json& owner) {
  const std::string owner_uid = uid_of(owner);
  if (owner_uid.empty()) return false;
  const nlohmann::json* references = find(object, {"metadata", "ownerReferences"});
  if (references == nullptr || !references->is_array()) return false;
  for (const auto& reference : *references) {
    const nlohmann::json* controller = find(reference, {"controller"});
    bool is_controller = controller != nullptr && controller->is_boolean() && controller->get<bool>();
    if (is_controller && string_at(reference, {"uid"}) == owner_uid) return true;
  }
  return false;
}

std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace pier::kube::fields
