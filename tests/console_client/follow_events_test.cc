// ConsoleClient::follow_events against the real console (in this process,
// console_fixture.h): a deploy's events from the start, after a given
// Last-Event-ID, and the errors the console answers. Cut, trickled,
// repeated and stalled streams are in server_faults_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "console_client/api_paths.h"
#include "console_client/console_client.h"
#include "console_fixture.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::console::testing::ConsoleUnderTest;
using pier::console::testing::deploy_body;
using pier::console::testing::jetty_values;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// What the callback saw: "id type message" per event.
struct Seen {
  std::vector<std::string> events;
  EventCallback callback() {
    return [this](const OperationEvent& event) {
      events.push_back(event.id + " " + event.type + " " + event.data.value("message", ""));
    };
  }
};

class FollowEventsTest : public ::testing::Test {
 protected:
  ConsoleClient client(std::string token = "<admin>") {
    auto opened = ConsoleClient::open(ClientOptions{.server_url = console_.base(),
                                                    .token = token == "<admin>" ? console_.admin_token() : token,
                                                    .timeout = 10s,
                                                    .max_reconnects = 3,
                                                    .reconnect_delay = 10ms,
                                                    .max_reconnect_delay = 50ms});
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }

  // Starts a deploy of local/shop/<name>; its operation id.
  std::string start_deploy(const std::string& name) {
    auto started = client().post(release_path({"local", "shop", name}, "deploy"), deploy_body(jetty_values()));
    EXPECT_TRUE(started) << started.error().describe();
    return started ? (*started)["operation"]["id"].get<std::string>() : "";
  }

  // The operation's stored events, as the callback would have seen them.
  std::vector<std::string> stored_events(const std::string& id, int after = 0) {
    json operation = console_.wait_operation(id);
    std::vector<std::string> lines;
    for (const auto& event : operation["events"])
      if (event["seq"].get<int>() > after)
        lines.push_back(std::to_string(event["seq"].get<int>()) + " " + event["type"].get<std::string>() + " " +
                        event.value("message", ""));
    return lines;
  }

  ConsoleUnderTest console_{{}};
};

TEST_F(FollowEventsTest, EveryEventInOrderThenTheFinalOperation) {
  std::string id = start_deploy("web");
  ASSERT_FALSE(id.empty());
  Seen seen;
  auto operation = client().follow_events(id, "", seen.callback());  // while it runs, or replayed after
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["id"], id);
  EXPECT_EQ((*operation)["status"], "succeeded");
  auto stored = stored_events(id);
  EXPECT_EQ(seen.events, stored);
  ASSERT_GE(seen.events.size(), 4u);
  EXPECT_EQ(seen.events.front(), "1 validated values are valid");
  EXPECT_THAT(seen.events.back(), ::testing::StartsWith(std::to_string(stored.size()) + " done "));
}

TEST_F(FollowEventsTest, StartsAfterTheGivenEventId) {
  std::string id = start_deploy("web");
  ASSERT_FALSE(id.empty());
  auto stored = stored_events(id, 3);
  ASSERT_FALSE(stored.empty());
  Seen seen;
  auto operation = client().follow_events(id, "3", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "succeeded");
  EXPECT_EQ(seen.events, stored);
  EXPECT_THAT(seen.events.front(), ::testing::StartsWith("4 "));
}

TEST_F(FollowEventsTest, AFinishedOperationIsReplayedEachTime) {
  std::string id = start_deploy("web");
  ASSERT_FALSE(id.empty());
  auto stored = stored_events(id);
  auto c = client();
  for (int i = 0; i < 2; ++i) {
    Seen seen;
    auto operation = c.follow_events(id, "", seen.callback());
    ASSERT_TRUE(operation) << operation.error().message;
    EXPECT_EQ(seen.events, stored);
  }
}

TEST_F(FollowEventsTest, AnUnknownOperationIsNotFoundAndNotRetried) {
  Seen seen;
  auto started = std::chrono::steady_clock::now();
  auto missing = client().follow_events("404", "", seen.callback());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("404"));
  EXPECT_TRUE(seen.events.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_F(FollowEventsTest, ARefusedTokenIsDeniedNotRetriedAndNeverShown) {
  std::string id = start_deploy("web");
  ASSERT_FALSE(id.empty());
  const std::string revoked = "pier_revoked-token-0000000000000";
  Seen seen;
  auto operation = client(revoked).follow_events(id, "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kDenied);
  EXPECT_THAT(operation.error().describe(), Not(HasSubstr(revoked)));
  EXPECT_TRUE(seen.events.empty());
}

}  // namespace
}  // namespace pier::console_client
