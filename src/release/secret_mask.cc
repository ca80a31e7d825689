#include "release/secret_mask.h"

namespace pier::release {

using nlohmann::json;

void mask_value_pair(json* before, json* after) {
  bool changed = before && after && *before != *after;
  if (before) *before = std::string(kHidden);
  if (after) *after = std::string(changed ? kHiddenChanged : kHidden);
}

void mask_map_values(json* before, json* after) {
  if ((before && !before->is_object()) || (after && !after->is_object())) {
    mask_value_pair(before, after);
    return;
  }
  if (before)
    for (auto& [key, value] : before->items()) {
      json* other = after && after->contains(key) ? &(*after)[key] : nullptr;
      mask_value_pair(&value, other);
    }
  if (after)
    for (auto& [key, value] : after->items())
      if (!before || !before->contains(key)) mask_value_pair(nullptr, &value);
}

}  // namespace pier::release
