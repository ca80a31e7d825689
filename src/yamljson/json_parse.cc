#include "yamljson/json_parse.h"

#include "common/text_position.h"
#include "yamljson/yaml_to_json.h"

namespace pier::yamljson {

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error
// at line 3, column 5: "; keep only what follows, the location is ours.
std::string reason_of(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  auto colon = what.find(": ");
  if (colon != std::string::npos) what = what.substr(colon + 2);
  return what;
}

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, std::string_view file_name) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    return fail(Error::invalid(format_position(file_name, position_of(text, offset)) + ": invalid JSON: " +
                               reason_of(e)));
  }
}

Result<nlohmann::json> parse_json_or_yaml(std::string_view text, std::string_view file_name) {
  if (file_name.ends_with(".yaml") || file_name.ends_with(".yml")) return parse_yaml(text, file_name);
  return parse_json(text, file_name);
}

}  // namespace pier::yamljson
