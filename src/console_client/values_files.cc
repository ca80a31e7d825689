#include "console_client/values_files.h"

#include <iterator>

#include "common/files.h"
#include "yamljson/json_parse.h"
#include "yamljson/yaml_to_json.h"

namespace pier::console_client {

nlohmann::json merge_values(nlohmann::json base, const nlohmann::json& overlay) {
  if (!base.is_object() || !overlay.is_object()) return overlay;
  for (const auto& [key, value] : overlay.items()) {
    auto existing = base.find(key);
    if (existing != base.end() && existing->is_object() && value.is_object())
      *existing = merge_values(std::move(*existing), value);
    else
      base[key] = value;
  }
  return base;
}

Result<nlohmann::json> parse_values(std::string_view text, std::string_view name) {
  Result<nlohmann::json> parsed;
  if (name == "<stdin>") {
    // Standard input has no extension: JSON when it is JSON, else YAML (a superset).
    parsed = yamljson::parse_json(text, name);
    if (!parsed) parsed = yamljson::parse_yaml(text, name);
  } else if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    parsed = nlohmann::json();  // an empty file: no values
  } else {
    parsed = yamljson::parse_json_or_yaml(text, name);
  }
  if (!parsed) return fail(parsed.error());
  if (parsed->is_null()) return nlohmann::json::object();
  if (!parsed->is_object())
    return fail(Error::invalid(std::string(name) + ": values must be an object (a mapping of names to values), not " +
                               parsed->type_name()));
  return parsed;
}

Result<nlohmann::json> load_values_files(const std::vector<std::string>& paths, std::istream& standard_input) {
  nlohmann::json merged = nlohmann::json::object();
  for (const auto& path : paths) {
    std::string text;
    std::string name = path;
    if (path == "-") {
      text.assign(std::istreambuf_iterator<char>(standard_input), std::istreambuf_iterator<char>());
      name = "<stdin>";
    } else {
      auto read = read_file(path);
      if (!read) return fail(read.error());
      text = std::move(*read);
    }
    auto values = parse_values(text, name);
    if (!values) return fail(values.error());
    merged = merge_values(std::move(merged), *values);
  }
  return merged;
}

}  // namespace pier::console_client
