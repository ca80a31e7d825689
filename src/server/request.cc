#include "server/request.h"

#include <string>

#include "common/text_position.h"

namespace pier::server {
namespace {

std::optional<std::string_view> find_value(const QueryParams& list, std::string_view name) {
  for (const auto& [key, value] : list)
    if (key == name) return std::string_view(value);
  return std::nullopt;
}

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error while
// parsing value - invalid literal; last read: 'tru'": keep what follows "parsing ... - ".
std::string parse_problem(const std::string& what) {
  std::size_t dash = what.find(" - ");
  if (dash != std::string::npos) return what.substr(dash + 3);
  std::size_t colon = what.rfind(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

std::string_view Request::param(std::string_view name) const { return find_value(params, name).value_or(""); }

std::optional<std::string_view> Request::query_value(std::string_view name) const { return find_value(query, name); }

std::string_view Request::last_event_id() const { return header("Last-Event-ID").value_or(""); }

Result<nlohmann::json> Request::json_body() const {
  if (body.empty()) return fail(Error::invalid("body: empty, expected a JSON document"));
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is one past the offending byte (1-based); point at that byte.
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    TextPosition pos = position_of(body, offset);
    return fail(Error::invalid("body: line " + std::to_string(pos.line) + " column " + std::to_string(pos.column) +
                               ": " + parse_problem(e.what())));
  }
}

}  // namespace pier::server
