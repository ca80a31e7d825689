#include "console_client/api_paths.h"

#include <gtest/gtest.h>

namespace pier::console_client {
namespace {

TEST(ApiPaths, ReleasePathsEncodeEverySegment) {
  ReleaseRef web{.cluster = "prod-bj", .namespace_name = "shop", .name = "web"};
  EXPECT_EQ(release_path(web), "/api/v1/releases/prod-bj/shop/web");
  EXPECT_EQ(release_path(web, "deploy"), "/api/v1/releases/prod-bj/shop/web/deploy");
  EXPECT_EQ(web.display(), "prod-bj/shop/web");
  ReleaseRef odd{.cluster = "a/b", .namespace_name = "..", .name = "x y?#%"};
  EXPECT_EQ(release_path(odd, "revisions"), "/api/v1/releases/a%2Fb/%2E%2E/x%20y%3F%23%25/revisions");
}

TEST(ApiPaths, OperationEvents) {
  EXPECT_EQ(operation_events_path("42"), "/api/v1/operations/42/events");
  EXPECT_EQ(operation_events_path("4/2"), "/api/v1/operations/4%2F2/events");
  EXPECT_EQ(operation_events_path("."), "/api/v1/operations/%2E/events");
}

}  // namespace
}  // namespace pier::console_client
