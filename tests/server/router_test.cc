#include "server/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::server {
namespace {

Handler named(std::string name) {
  return [name](const Request&) { return Response::text(200, name); };
}

std::vector<std::string> segments(std::string_view path) { return split_path(path).value(); }

std::string run(const RouteMatch& match) {
  Request request;
  return match.route ? match.route->handler(request).body : "";
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.get("/api/v1/releases", named("list"), Access::at_least(Role::kViewer));
    router_.post("/api/v1/releases", named("create"), Access::at_least(Role::kDeployer));
    router_.get("/api/v1/releases/search", named("search"), Access::at_least(Role::kViewer));
    router_.get("/api/v1/releases/{cluster}", named("by-cluster"), Access::at_least(Role::kViewer));
    router_.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions/{revision}", named("revision"),
                Access::at_least(Role::kViewer));
    router_.remove("/api/v1/releases/{cluster}/{namespace}/{name}", named("delete"), Access::at_least(Role::kAdmin));
    router_.get("/files/{path...}", named("files"), Access::anyone());
    router_.get("/", named("root"), Access::anyone());
  }
  Router router_;
};

TEST_F(RouterTest, MatchesMethodAndPathWithParameters) {
  auto match = router_.match("GET", segments("/api/v1/releases/dc1/shop/web/revisions/7"));
  EXPECT_EQ(run(match), "revision");
  EXPECT_EQ(match.params, (QueryParams{{"cluster", "dc1"}, {"namespace", "shop"}, {"name", "web"}, {"revision", "7"}}));
  EXPECT_EQ(match.route->pattern, "/api/v1/releases/{cluster}/{namespace}/{name}/revisions/{revision}");
  EXPECT_EQ(run(router_.match("POST", segments("/api/v1/releases"))), "create");
  EXPECT_EQ(run(router_.match("GET", segments("/"))), "root");
}

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
  EXPECT_EQ(run(router_.match("GET", segments("/api/v1/releases/search"))), "search");
  EXPECT_EQ(run(router_.match("GET", segments("/api/v1/releases/dc2"))), "by-cluster");
}

TEST_F(RouterTest, ParametersAreDecodedSegmentsAndEncodedSlashesStayInside) {
  auto match = router_.match("GET", segments("/api/v1/releases/a%2Fb"));
  EXPECT_EQ(run(match), "by-cluster");
  EXPECT_EQ(match.params, (QueryParams{{"cluster", "a/b"}}));
}

TEST_F(RouterTest, EmptySegmentsDoNotFillParameters) {
  EXPECT_FALSE(router_.match("GET", segments("/api/v1/releases//x/y/revisions/1")).route);
}

TEST_F(RouterTest, RestParameterTakesTheRemainder) {
  auto match = router_.match("GET", segments("/files/a/b/c.txt"));
  EXPECT_EQ(run(match), "files");
  EXPECT_EQ(match.params, (QueryParams{{"path", "a/b/c.txt"}}));
  EXPECT_EQ(router_.match("GET", segments("/files/")).params, (QueryParams{{"path", ""}}));
}

TEST_F(RouterTest, WrongMethodListsWhatIsAllowed) {
  auto match = router_.match("PATCH", segments("/api/v1/releases"));
  EXPECT_FALSE(match.route);
  EXPECT_EQ(match.allowed, "GET, HEAD, POST");
  EXPECT_EQ(router_.match("GET", segments("/api/v1/releases/c/n/r")).allowed, "DELETE");
}

TEST_F(RouterTest, HeadUsesGet) { EXPECT_EQ(run(router_.match("HEAD", segments("/api/v1/releases"))), "list"); }

TEST_F(RouterTest, UnknownPathsGoToTheFallbackIfAny) {
  auto none = router_.match("GET", segments("/nothing/here"));
  EXPECT_FALSE(none.route);
  EXPECT_EQ(none.allowed, "");
  router_.fallback(named("static"), Access::anyone(), "static");
  auto fallback = router_.match("GET", segments("/nothing/here"));
  EXPECT_EQ(run(fallback), "static");
  EXPECT_EQ(fallback.route->pattern, "static");
  EXPECT_EQ(router_.match("PUT", segments("/api/v1/releases")).allowed, "GET, HEAD, POST");  // 405 still wins
}

TEST_F(RouterTest, RoutesKeepTheirAccess) {
  EXPECT_EQ(router_.match("DELETE", segments("/api/v1/releases/c/n/r")).route->access.min_role(), Role::kAdmin);
  EXPECT_TRUE(router_.match("GET", segments("/")).route->access.is_public());
}

TEST(RouterDeathTest, MalformedPatternsAndDuplicatesStopTheProcess) {
  Router router;
  router.get("/a/{id}", named("a"), Access::anyone());
  EXPECT_DEATH(router.get("/a/{other}", named("b"), Access::anyone()), "conflicts with /a/\\{id\\}");
  EXPECT_DEATH(router.get("no-slash", named("b"), Access::anyone()), "must start with '/'");
  EXPECT_DEATH(router.get("/x/{id", named("b"), Access::anyone()), "unclosed parameter");
  EXPECT_DEATH(router.get("/x/{id}/{id}", named("b"), Access::anyone()), "named twice");
  EXPECT_DEATH(router.get("/x/{rest...}/y", named("b"), Access::anyone()), "must be last");
  EXPECT_DEATH(router.add("get", "/y", named("b"), Access::anyone()), "not an HTTP method");
}

}  // namespace
}  // namespace pier::server
