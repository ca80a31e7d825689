#include "console/access_scope.h"

#include <gtest/gtest.h>

namespace pier::console {
namespace {

TEST(GlobMatch, StarsMatchAnyRunIncludingNone) {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("prod-*", "prod-bj"));
  EXPECT_TRUE(glob_match("prod-*", "prod-"));
  EXPECT_FALSE(glob_match("prod-*", "staging-bj"));
  EXPECT_TRUE(glob_match("*-bj", "prod-bj"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
  EXPECT_TRUE(glob_match("shop", "shop"));
  EXPECT_FALSE(glob_match("shop", "shops"));
}

TEST(GlobMatch, ManyStarsStayFast) {
  std::string text(5000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", text));
}

TEST(ScopeAllows, NoScopesMeansEverywhere) { EXPECT_TRUE(scope_allows({}, "prod", "shop")); }

TEST(ScopeAllows, ClusterPatternCoversEveryNamespace) {
  EXPECT_TRUE(scope_allows({"prod-*"}, "prod-sh", "pay"));
  EXPECT_FALSE(scope_allows({"prod-*"}, "staging", "pay"));
}

TEST(ScopeAllows, NamespacePatternLimitsToThoseNamespaces) {
  std::vector<std::string> scopes{"prod-bj/shop", "staging/*"};
  EXPECT_TRUE(scope_allows(scopes, "prod-bj", "shop"));
  EXPECT_FALSE(scope_allows(scopes, "prod-bj", "pay"));
  EXPECT_TRUE(scope_allows(scopes, "staging", "anything"));
  EXPECT_TRUE(scope_allows_cluster(scopes, "prod-bj"));
  EXPECT_FALSE(scope_allows_cluster(scopes, "prod-sh"));
}

}  // namespace
}  // namespace pier::console
