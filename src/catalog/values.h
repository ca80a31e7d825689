// Values documents: layering (preset < files < --set) and `--set path=value`.
//
//   nlohmann::json v = preset;
//   pier::catalog::merge_values(v, file_values);        // objects merge, the rest replaces
//   pier::catalog::apply_set(v, "jetty.replicas=3", schema);  // typed by the schema: 3, not "3"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::catalog {

// Deep merge: objects are merged key by key, recursively; anything else in
// `overlay` (scalars, arrays, null) replaces what `base` had.
void merge_values(nlohmann::json& base, const nlohmann::json& overlay);

// Applies one `--set` expression `a.b.c=value` (`a.list[1].x=value` indexes an
// array; `\.` is a literal dot in a key). The value is typed by the schema at
// that path: a string property takes the text as is, integer/number/boolean
// properties parse it, array/object properties take JSON. Where the schema says
// nothing, JSON is tried and the text is used otherwise.
Result<void> apply_set(nlohmann::json& values, std::string_view expression, const nlohmann::json& schema);

// "/a/b" style JSON pointer for a dotted path's segments.
std::string json_pointer_of(const std::vector<std::string>& segments);

// One JSON pointer token: "~" -> "~0", "/" -> "~1".
std::string escape_pointer_token(const std::string& token);

// The subschema for a path of property names and array indices, following
// local "$ref"s; null when the schema does not describe that path.
const nlohmann::json* subschema_at(const nlohmann::json& root_schema, const std::vector<std::string>& segments);

// One step down: the subschema of property `key` (from "properties", else
// "additionalProperties"), or of an array item when `is_index`; local "$ref"s
// followed. Null when the schema does not say.
const nlohmann::json* child_subschema(const nlohmann::json* schema, const std::string& key, bool is_index,
                                      const nlohmann::json& root_schema);

// Follows "$ref": "#/..." (a chain of them, up to 16); null when one does not resolve.
const nlohmann::json* follow_local_ref(const nlohmann::json* node, const nlohmann::json& root_schema);

// True when `predicate` holds for some object anywhere in `node` (itself included).
template <class Predicate>
bool any_object(const nlohmann::json& node, const Predicate& predicate) {
  if (node.is_object()) {
    if (predicate(node)) return true;
    for (const auto& item : node)
      if (any_object(item, predicate)) return true;
  } else if (node.is_array()) {
    for (const auto& item : node)
      if (any_object(item, predicate)) return true;
  }
  return false;
}

}  // namespace pier::catalog
