#include "console/access_scope.h"

namespace pier::console {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point (the last `*`): linear in
  // practice, never exponential whatever the pattern.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

struct ScopeParts {
  std::string_view cluster;
  std::string_view namespace_name;  // empty: every namespace
};

ScopeParts split_scope(std::string_view scope) {
  size_t slash = scope.find('/');
  if (slash == std::string_view::npos) return {scope, {}};
  return {scope.substr(0, slash), scope.substr(slash + 1)};
}

}  // namespace

bool scope_allows(const std::vector<std::string>& scopes, std::string_view cluster, std::string_view namespace_name) {
  if (scopes.empty()) return true;
  for (const auto& scope : scopes) {
    ScopeParts parts = split_scope(scope);
    if (!glob_match(parts.cluster, cluster)) continue;
    if (parts.namespace_name.empty() || glob_match(parts.namespace_name, namespace_name)) return true;
  }
  return false;
}

bool scope_allows_cluster(const std::vector<std::string>& scopes, std::string_view cluster) {
  if (scopes.empty()) return true;
  for (const auto& scope : scopes)
    if (glob_match(split_scope(scope).cluster, cluster)) return true;
  return false;
}

}  // namespace pier::console
