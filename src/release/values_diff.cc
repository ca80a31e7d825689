#include "release/values_diff.h"

#include <algorithm>

#include "catalog/values.h"
#include "release/line_diff.h"
#include "release/secret_mask.h"
#include "yamljson/json_to_yaml.h"

namespace pier::release {

namespace {

using nlohmann::json;

json* child_of(json* node, const std::string& key) {
  return node && node->is_object() && node->contains(key) ? &(*node)[key] : nullptr;
}

json* item_of(json* node, size_t index) {
  return node && node->is_array() && index < node->size() ? &(*node)[index] : nullptr;
}

// Masks the secret values of both sides together, walking the schema.
void mask_secrets(json* before, json* after, const json* schema, const json& root) {
  if (!before && !after) return;
  if (is_secret_schema(schema)) {
    mask_value_pair(before, after);
    return;
  }
  if (!schema) return;
  bool before_object = before && before->is_object(), after_object = after && after->is_object();
  if (before_object || after_object) {
    std::vector<std::string> keys;
    for (json* side : {before, after})
      if (side && side->is_object())
        for (const auto& item : side->items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& key : keys)
      mask_secrets(before_object ? child_of(before, key) : nullptr, after_object ? child_of(after, key) : nullptr,
                   catalog::child_subschema(schema, key, false, root), root);
    return;
  }
  bool before_array = before && before->is_array(), after_array = after && after->is_array();
  if (before_array || after_array) {
    size_t size = std::max(before_array ? before->size() : 0, after_array ? after->size() : 0);
    for (size_t i = 0; i < size; ++i)
      mask_secrets(before_array ? item_of(before, i) : nullptr, after_array ? item_of(after, i) : nullptr,
                   catalog::child_subschema(schema, std::to_string(i), true, root), root);
  }
}

void collect_changes(const json* before, const json* after, const std::string& pointer, std::vector<std::string>& out) {
  if (before && after && before->is_object() && after->is_object()) {
    for (const auto& [key, value] : before->items()) {
      auto other = after->find(key);
      collect_changes(&value, other == after->end() ? nullptr : &*other,
                      pointer + "/" + catalog::escape_pointer_token(key), out);
    }
    for (const auto& [key, value] : after->items())
      if (!before->contains(key)) out.push_back(pointer + "/" + catalog::escape_pointer_token(key));
    return;
  }
  if (before && after && before->is_array() && after->is_array() && before->size() == after->size()) {
    for (size_t i = 0; i < before->size(); ++i)
      collect_changes(&(*before)[i], &(*after)[i], pointer + "/" + std::to_string(i), out);
    return;
  }
  if (!before || !after || *before != *after) out.push_back(pointer.empty() ? "/" : pointer);
}

}  // namespace

bool is_secret_schema(const json* subschema) {
  if (!subschema || !subschema->is_object()) return false;
  auto format = subschema->find("format");
  if (format != subschema->end() && *format == "password") return true;
  auto write_only = subschema->find("writeOnly");
  return write_only != subschema->end() && write_only->is_boolean() && write_only->get<bool>();
}

ValuesDiff diff_values(const json& before, const json& after, const json& schema, const DiffLabels& labels) {
  return diff_values(before, after, std::vector<const json*>{&schema}, labels);
}

ValuesDiff diff_values(const json& before, const json& after, const std::vector<const json*>& schemas,
                       const DiffLabels& labels) {
  ValuesDiff result;
  collect_changes(&before, &after, "", result.changed_paths);
  std::sort(result.changed_paths.begin(), result.changed_paths.end());
  if (!result.changed()) return result;

  // Masking again with another schema keeps what the first pass decided:
  // two "(hidden)" are equal, "(hidden)" and "(hidden; changed)" are not.
  json masked_before = before, masked_after = after;
  for (const json* schema : schemas)
    if (schema) mask_secrets(&masked_before, &masked_after, catalog::follow_local_ref(schema, *schema), *schema);
  UnifiedDiffOptions options;
  options.before_label = "values (" + labels.before + ")";
  options.after_label = "values (" + labels.after + ")";
  result.diff = unified_diff(yamljson::to_yaml(masked_before), yamljson::to_yaml(masked_after), options);
  return result;
}

json to_json(const ValuesDiff& diff) { return {{"changed_paths", diff.changed_paths}, {"diff", diff.diff}}; }

json mask_secret_values(const json& values, const json& schema) {
  json masked = values;
  mask_secrets(&masked, nullptr, catalog::follow_local_ref(&schema, schema), schema);
  return masked;
}

}  // namespace pier::release
