// "Did you mean ...?" for a misspelt field or kind: the closest known name by
// edit distance, when it is close enough to be a likely typo.
//
//   closest_name("containerz", {"containers", "volumes"});  // "containers"
//   closest_name("foo", {"containers"});                    // nullopt
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pier {

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two neighbouring characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate equal to `name` but for letter case, else the nearest within
// a distance of a quarter of the name's length (at least 1, at most 3);
// the first such candidate on ties.
std::optional<std::string> closest_name(std::string_view name, std::span<const std::string_view> candidates);

}  // namespace pier
