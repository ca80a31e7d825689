// Where a token may act. A user's scopes are patterns "cluster" or
// "cluster/namespace" in which `*` stands for any text ("prod-*",
// "staging/shop-*", "*"); a user without scopes may act everywhere.
//
//   scope_allows({"prod-bj/shop"}, "prod-bj", "shop");   // true
//   scope_allows({"prod-bj/shop"}, "prod-bj", "pay");    // false
//   scope_allows({"prod-*"}, "prod-sh", "pay");          // true: a cluster pattern covers its namespaces
//   scope_allows_cluster({"prod-bj/shop"}, "prod-bj");   // true: something in it is allowed
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pier::console {

// Glob match where only `*` is special (any run of characters, also none).
bool glob_match(std::string_view pattern, std::string_view text);

bool scope_allows(const std::vector<std::string>& scopes, std::string_view cluster, std::string_view namespace_name);

// True when some namespace of the cluster is allowed: what decides whether
// the cluster is listed for the user.
bool scope_allows_cluster(const std::vector<std::string>& scopes, std::string_view cluster);

}  // namespace pier::console
