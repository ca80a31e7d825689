// How secret values are shown in diffs: never their text, only whether they
// changed. Both sides of a diff are masked together, since "changed" is a
// comparison.
//
//   json before = "old-password", after = "new-password";
//   mask_value_pair(&before, &after);   // before: "(hidden)", after: "(hidden; changed)"
//   mask_map_values(&old_data, &new_data);  // each key of a Secret's data, the same way
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace pier::release {

inline constexpr std::string_view kHidden = "(hidden)";
inline constexpr std::string_view kHiddenChanged = "(hidden; changed)";

// A side that is null (absent) stays absent. Equal values both read
// "(hidden)"; different ones "(hidden)" before and "(hidden; changed)" after.
void mask_value_pair(nlohmann::json* before, nlohmann::json* after);

// mask_value_pair for each key of two maps; when either side is not a map,
// the two values are masked whole.
void mask_map_values(nlohmann::json* before, nlohmann::json* after);

}  // namespace pier::release
