// list_releases against the real console (in this process,
// console_fixture.h): every page of a listing with the console's own
// cursors, filters, errors. A cursor that does not move and a page without
// items are in server_faults_test.cc.
#include "console_client/release_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "console_client/api_paths.h"
#include "console_fixture.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::console::testing::ConsoleUnderTest;
using pier::console::testing::deploy_body;
using pier::console::testing::jetty_values;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

class ReleaseListTest : public ::testing::Test {
 protected:
  ConsoleClient client() {
    auto opened = ConsoleClient::open(
        ClientOptions{.server_url = console_.base(), .token = console_.admin_token(), .timeout = 10s});
    EXPECT_TRUE(opened);
    return std::move(*opened);
  }

  // Deploys each release and waits for it.
  void deploy(const std::vector<ReleaseRef>& releases) {
    auto c = client();
    for (const auto& release : releases) {
      auto started = c.post(release_path(release, "deploy"), deploy_body(jetty_values()));
      ASSERT_TRUE(started) << started.error().describe();
      ASSERT_EQ(console_.wait_operation((*started)["operation"]["id"])["status"], "succeeded");
    }
  }

  static std::vector<std::string> names(const std::vector<json>& releases) {
    std::vector<std::string> out;
    for (const auto& release : releases)
      out.push_back(release["cluster"].get<std::string>() + "/" + release["namespace"].get<std::string>() + "/" +
                    release["name"].get<std::string>());
    return out;
  }

  ConsoleUnderTest console_{{}};
};

TEST_F(ReleaseListTest, FollowsTheConsolesCursorsToTheLastPage) {
  ASSERT_NO_FATAL_FAILURE(deploy({{"local", "shop", "web"},
                                  {"local", "shop", "api"},
                                  {"local", "pay", "web"},
                                  {"local", "shop", "web-admin"},
                                  {"local", "pay", "gateway"}}));
  auto c = client();
  // Pages of 2: three real pages, the console's cursors between them.
  auto releases = list_releases(c, {}, /*page_size=*/2);
  ASSERT_TRUE(releases) << releases.error().message;
  EXPECT_THAT(names(*releases), ElementsAre("local/pay/gateway", "local/pay/web", "local/shop/api", "local/shop/web",
                                            "local/shop/web-admin"));
  // The same with one page of 500.
  auto whole = list_releases(c, {});
  ASSERT_TRUE(whole);
  EXPECT_EQ(names(*whole), names(*releases));
  // A page size that divides the count: the last page is full, the next one empty.
  auto by_five = list_releases(c, {}, 5);
  ASSERT_TRUE(by_five);
  EXPECT_EQ(names(*by_five), names(*releases));
}

TEST_F(ReleaseListTest, FiltersReachTheConsole) {
  ASSERT_NO_FATAL_FAILURE(
      deploy({{"local", "shop", "web"}, {"local", "shop", "api"}, {"local", "pay", "web"}, {"local", "pay", "web-2"}}));
  auto c = client();
  auto pay_web = list_releases(c, {.cluster = "local", .namespace_name = "pay", .app = "jetty", .search = "web"}, 1);
  ASSERT_TRUE(pay_web) << pay_web.error().message;
  EXPECT_THAT(names(*pay_web), ElementsAre("local/pay/web", "local/pay/web-2"));
  auto deployed = list_releases(c, {.status = "deployed", .search = "api"});
  ASSERT_TRUE(deployed);
  EXPECT_THAT(names(*deployed), ElementsAre("local/shop/api"));
  auto other_app = list_releases(c, {.app = "redis"});
  ASSERT_TRUE(other_app);
  EXPECT_TRUE(other_app->empty());
  auto other_cluster = list_releases(c, {.cluster = "prod"});
  ASSERT_TRUE(other_cluster);
  EXPECT_TRUE(other_cluster->empty());
}

TEST_F(ReleaseListTest, AnEmptyConsoleHasNoReleases) {
  auto c = client();
  auto releases = list_releases(c, {});
  ASSERT_TRUE(releases) << releases.error().message;
  EXPECT_TRUE(releases->empty());
}

TEST_F(ReleaseListTest, TheConsolesErrorsPassThrough) {
  auto c = client();
  auto bad_status = list_releases(c, {.status = "broken"});
  ASSERT_FALSE(bad_status);
  EXPECT_EQ(bad_status.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(bad_status.error().describe(),
            "query parameter status is not valid\n  ?status: expected pending, deployed, failed, superseded or "
            "interrupted");
}

}  // namespace
}  // namespace pier::console_client
