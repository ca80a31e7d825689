#include "console_client/release_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "console_api_double.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::testing::ConsoleApiDouble;
using pier::testing::sample_release;
using server::Request;
using server::Response;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ReleaseListTest : public ::testing::Test {
 protected:
  ConsoleClient client() {
    auto opened =
        ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = std::string(ConsoleApiDouble::kToken)});
    EXPECT_TRUE(opened);
    return std::move(*opened);
  }
  ConsoleApiDouble api_;
};

TEST_F(ReleaseListTest, FollowsTheCursorsToTheLastPage) {
  api_.get("/api/v1/releases", [](const Request& request) {
    std::string after(request.query_value("after").value_or(""));
    if (after.empty())
      return Response::json(
          200, {{"items", {sample_release("prod", "a", 1), sample_release("prod", "b", 2)}}, {"next", "c+1/="}});
    if (after == "c+1/=") return Response::json(200, {{"items", {sample_release("prod", "c", 3)}}, {"next", "c2"}});
    return Response::json(200, {{"items", {sample_release("prod", "d", 4)}}});  // no "next": the last page
  });
  ASSERT_TRUE(api_.start());
  auto c = client();
  auto releases = list_releases(c, {.cluster = "prod", .app = "jetty", .search = "a b"});
  ASSERT_TRUE(releases) << releases.error().message;
  ASSERT_EQ(releases->size(), 4u);
  EXPECT_EQ((*releases)[3]["name"], "d");
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].target, "/api/v1/releases?cluster=prod&app=jetty&q=a%20b&limit=500");
  EXPECT_EQ(requests[1].target, "/api/v1/releases?cluster=prod&app=jetty&q=a%20b&limit=500&after=c%2B1%2F%3D");
  EXPECT_EQ(requests[2].target, "/api/v1/releases?cluster=prod&app=jetty&q=a%20b&limit=500&after=c2");
}

TEST_F(ReleaseListTest, ANullNextEndsTheList) {
  api_.get("/api/v1/releases", [](const Request&) {
    return Response::json(200, {{"items", json::array()}, {"next", nullptr}});
  });
  ASSERT_TRUE(api_.start());
  auto c = client();
  auto releases = list_releases(c, {});
  ASSERT_TRUE(releases);
  EXPECT_TRUE(releases->empty());
  EXPECT_EQ(api_.requests().at(0).target, "/api/v1/releases?limit=500");
}

TEST_F(ReleaseListTest, ACursorThatDoesNotMoveOnIsAnErrorNotALoop) {
  api_.get("/api/v1/releases", [](const Request&) {
    return Response::json(200, {{"items", {sample_release("prod", "a", 1)}}, {"next", "same"}});
  });
  ASSERT_TRUE(api_.start());
  auto c = client();
  auto releases = list_releases(c, {});
  ASSERT_FALSE(releases);
  EXPECT_EQ(releases.error().code, ErrorCode::kInternal);
  EXPECT_LE(api_.requests().size(), 2u);
}

TEST_F(ReleaseListTest, AnAnswerWithoutItemsIsAnError) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::json(200, json::array()); });
  ASSERT_TRUE(api_.start());
  auto c = client();
  auto releases = list_releases(c, {});
  ASSERT_FALSE(releases);
  EXPECT_THAT(releases.error().message, HasSubstr("\"items\""));
}

TEST_F(ReleaseListTest, ErrorsPassThrough) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::error(403, "token scoped to cluster dev"); });
  ASSERT_TRUE(api_.start());
  auto c = client();
  auto releases = list_releases(c, {.cluster = "prod"});
  ASSERT_FALSE(releases);
  EXPECT_EQ(releases.error().code, ErrorCode::kDenied);
  EXPECT_EQ(releases.error().message, "token scoped to cluster dev");
}

}  // namespace
}  // namespace pier::console_client
