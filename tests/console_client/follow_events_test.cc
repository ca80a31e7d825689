// ConsoleClient::follow_events against the API double (well-behaved SSE) and
// a scripted raw server (cuts, byte-by-byte writes, silence).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "console_api_double.h"
#include "console_client/console_client.h"
#include "scripted_http_server.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::testing::ConsoleApiDouble;
using pier::testing::sample_event;
using pier::testing::sample_operation;
using server::Request;
using server::Response;
using server::SseStream;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScriptedConnection;
using testing::ScriptedHttpServer;
using namespace std::chrono_literals;

const std::string kToken(ConsoleApiDouble::kToken);
constexpr const char* kEventsRoute = "/api/v1/operations/{id}/events";

// What the callback saw: "id type message" per event.
struct Seen {
  std::vector<std::string> events;
  EventCallback callback() {
    return [this](const OperationEvent& event) {
      events.push_back(event.id + " " + event.type + " " + event.data.value("message", ""));
    };
  }
};

ClientOptions options_for(const std::string& url) {
  return ClientOptions{.server_url = url,
                       .token = kToken,
                       .timeout = 5s,
                       .max_reconnects = 3,
                       .reconnect_delay = 10ms,
                       .max_reconnect_delay = 50ms};
}

int last_id(const std::shared_ptr<SseStream>& stream) {
  return stream->last_event_id().empty() ? 0 : std::stoi(stream->last_event_id());
}

// The operation's story: events 1..count, then `end`.
const std::vector<std::pair<std::string, std::string>> kStory = {{"validated", "validated"},
                                                                 {"rendered", "rendered 6 objects"},
                                                                 {"applied", "applied 1/6: Namespace shop"},
                                                                 {"applied", "applied 2/6: Deployment shop/web"},
                                                                 {"done", "deployed revision 4"}};

void send_story(SseStream& stream, int from, int to) {
  for (int seq = from; seq <= to && seq <= static_cast<int>(kStory.size()); ++seq)
    stream.send(kStory[seq - 1].first, std::to_string(seq),
                sample_event(seq, kStory[seq - 1].first, kStory[seq - 1].second));
}

std::vector<std::string> whole_story() {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < kStory.size(); ++i)
    lines.push_back(std::to_string(i + 1) + " " + kStory[i].first + " " + kStory[i].second);
  return lines;
}

class FollowEventsTest : public ::testing::Test {
 protected:
  ConsoleClient client() {
    auto opened = ConsoleClient::open(options_for(api_.url()));
    EXPECT_TRUE(opened);
    return std::move(*opened);
  }
  ConsoleApiDouble api_;
  std::atomic<int> connections_{0};
};

TEST_F(FollowEventsTest, EveryEventInOrderThenTheFinalOperation) {
  api_.stream(kEventsRoute, [&](const Request& request, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    if (request.param("id") != "42") return Response::error(Error::not_found("no operation"));
    send_story(*stream, 1, 5);
    stream->send("end", "", sample_operation("42", "succeeded"));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "succeeded");
  EXPECT_EQ(seen.events, whole_story());
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/v1/operations/42/events");
  EXPECT_EQ(requests[0].accept, "text/event-stream");
  EXPECT_EQ(requests[0].authorization, "Bearer " + kToken);
  EXPECT_EQ(requests[0].last_event_id, "");
}

TEST_F(FollowEventsTest, MultiLineDataIsOneEvent) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    stream->send_text("validated", "1", sample_event(1, "validated", "validated").dump(2));  // one data: line per line
    stream->send_text("end", "", sample_operation("42", "succeeded").dump(2));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_THAT(seen.events, ElementsAre("1 validated validated"));
}

TEST_F(FollowEventsTest, ADroppedStreamResumesAfterTheLastEventSeen) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    if (connections_++ == 0) {
      send_story(*stream, 1, 2);
      stream->close();  // gone before the end: a restart, a proxy's timeout
      return std::nullopt;
    }
    send_story(*stream, last_id(stream) + 1, 5);
    stream->send("end", "", sample_operation("42", "succeeded"));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ(seen.events, whole_story());
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].last_event_id, "2");
}

TEST_F(FollowEventsTest, EventsTheServerRepeatsAreShownOnce) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    if (connections_++ == 0) {
      send_story(*stream, 1, 3);
      stream->close();
      return std::nullopt;
    }
    send_story(*stream, 1, 5);  // ignores Last-Event-ID and starts over
    stream->send("end", "", sample_operation("42", "failed", "rollout timed out"));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "failed");
  EXPECT_EQ(seen.events, whole_story());
}

TEST_F(FollowEventsTest, StartsAfterTheGivenEventId) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    send_story(*stream, last_id(stream) + 1, 5);
    stream->send("end", "", sample_operation("42", "succeeded"));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "3", seen.callback());
  ASSERT_TRUE(operation);
  EXPECT_THAT(seen.events, ElementsAre("4 applied applied 2/6: Deployment shop/web", "5 done deployed revision 4"));
  EXPECT_EQ(api_.requests().at(0).last_event_id, "3");
}

TEST_F(FollowEventsTest, GivesUpAfterTheReconnectsWithoutProgress) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    stream->comment("keepalive");
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(operation.error().message, HasSubstr("lost the events of operation 42 after 3 reconnects"));
  EXPECT_THAT(operation.error().message, HasSubstr("ended the event stream before the operation ended"));
  EXPECT_EQ(api_.requests().size(), 4u);  // the first connection and 3 reconnects
}

TEST_F(FollowEventsTest, ProgressRenewsTheReconnectBudget) {
  // One new event per connection: more drops than max_reconnects, but never stuck.
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    int next = last_id(stream) + 1;
    if (next <= 5) {
      send_story(*stream, next, next);
    } else {
      stream->send("end", "", sample_operation("42", "succeeded"));
    }
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  Seen seen;
  auto operation = client().follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ(seen.events, whole_story());
  EXPECT_EQ(api_.requests().size(), 6u);
}

TEST_F(FollowEventsTest, AnUnavailableServerIsRetriedAnUnknownOperationIsNot) {
  api_.stream(kEventsRoute, [&](const Request& request, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    if (request.param("id") == "404") return Response::error(Error::not_found("operation 404 not found"));
    if (connections_++ == 0) return Response::error(Error::make(ErrorCode::kUnavailable, "starting up", Retry::kYes));
    send_story(*stream, 1, 5);
    stream->send("end", "", sample_operation("42", "succeeded"));
    stream->close();
    return std::nullopt;
  });
  ASSERT_TRUE(api_.start());
  auto c = client();
  Seen seen;
  auto missing = c.follow_events("404", "", seen.callback());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "operation 404 not found");
  EXPECT_EQ(api_.requests().size(), 1u);

  auto operation = c.follow_events("42", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ(seen.events, whole_story());
}

TEST_F(FollowEventsTest, ARefusedTokenIsNotRetried) {
  api_.stream(kEventsRoute, [&](const Request&, std::shared_ptr<SseStream>) -> std::optional<Response> {
    return Response::error(500, "unreachable");
  });
  ASSERT_TRUE(api_.start());
  ClientOptions options = options_for(api_.url());
  options.token = "revoked-token-0000";
  auto c = ConsoleClient::open(options);
  ASSERT_TRUE(c);
  Seen seen;
  auto operation = c->follow_events("42", "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kDenied);
  EXPECT_THAT(operation.error().message, ::testing::Not(HasSubstr("revoked-token-0000")));
}

// ---- over a scripted raw server ----

constexpr std::string_view kStreamHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

ConsoleClient raw_client(const ScriptedHttpServer& server, std::chrono::milliseconds timeout = 5s,
                         int max_reconnects = 3) {
  ClientOptions options = options_for(server.url());
  options.timeout = timeout;
  options.max_reconnects = max_reconnects;
  auto opened = ConsoleClient::open(options);
  EXPECT_TRUE(opened);
  return std::move(*opened);
}

TEST(FollowEventsRaw, EventsCutIntoSingleBytesWithCrLf) {
  const std::string events =
      ": hello\r\n\r\nretry: 10\r\n\r\nid: 1\r\nevent: validated\r\ndata: {\"seq\": 1,\r\ndata:  \"message\": "
      "\"validated\"}\r\n\r\n"
      "id: 2\r\nevent: end\r\ndata: {\"id\": \"9\", \"status\": \"succeeded\"}\r\n\r\n";
  ScriptedHttpServer server([&](int, const std::string&, ScriptedConnection& connection) {
    connection.write(kStreamHead);
    for (char c : events) {
      connection.write_chunk(std::string(1, c));
      std::this_thread::sleep_for(100us);
    }
    connection.write("0\r\n\r\n");
  });
  auto c = raw_client(server);
  Seen seen;
  auto operation = c.follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "succeeded");
  EXPECT_THAT(seen.events, ElementsAre("1 validated validated"));
}

TEST(FollowEventsRaw, AStreamCutInsideAnEventResumesWithoutHalfAnEvent) {
  ScriptedHttpServer server([&](int index, const std::string& head, ScriptedConnection& connection) {
    connection.write(kStreamHead);
    if (index == 0) {
      connection.write_chunk("id: 1\nevent: validated\ndata: {\"seq\": 1, \"message\": \"validated\"}\n\n");
      connection.write_chunk("id: 2\nevent: rendered\ndata: {\"seq\": 2, \"mess");
      return;  // closed without the last chunk: the connection broke
    }
    if (testing::header_value(head, "Last-Event-ID") != "1") return;
    connection.write_chunk("id: 2\nevent: rendered\ndata: {\"seq\": 2, \"message\": \"rendered 6 objects\"}\n\n");
    connection.write_chunk("event: end\ndata: {\"id\": \"9\", \"status\": \"succeeded\"}\n\n");
    connection.write("0\r\n\r\n");
  });
  auto c = raw_client(server);
  Seen seen;
  auto operation = c.follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_THAT(seen.events, ElementsAre("1 validated validated", "2 rendered rendered 6 objects"));
  EXPECT_EQ(server.heads().size(), 2u);
}

TEST(FollowEventsRaw, ASilentStreamTimesOut) {
  ScriptedHttpServer server([&](int, const std::string&, ScriptedConnection& connection) {
    connection.write(kStreamHead);
    std::this_thread::sleep_for(2500ms);
  });
  auto c = raw_client(server, 500ms, /*max_reconnects=*/0);
  Seen seen;
  auto started = std::chrono::steady_clock::now();
  auto operation = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(operation.error().message, HasSubstr("was silent for 0.5 s"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2400ms);
}

TEST(FollowEventsRaw, AnswersThatAreNotEventStreamsAreErrors) {
  ScriptedHttpServer server([&](int index, const std::string&, ScriptedConnection& connection) {
    if (index == 0) {
      connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
      return;
    }
    connection.write(kStreamHead);
    connection.write_chunk("id: 1\nevent: validated\ndata: not json\n\n");
    connection.write("0\r\n\r\n");
  });
  auto c = raw_client(server);
  Seen seen;
  auto json_answer = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(json_answer);
  EXPECT_EQ(json_answer.error().code, ErrorCode::kInternal);
  EXPECT_THAT(json_answer.error().message, HasSubstr("not an event stream"));

  auto bad_data = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(bad_data);
  EXPECT_EQ(bad_data.error().code, ErrorCode::kInternal);
  EXPECT_THAT(bad_data.error().message, HasSubstr("is not a JSON object"));
  EXPECT_TRUE(seen.events.empty());
  EXPECT_EQ(server.heads().size(), 2u);  // neither was retried
}

}  // namespace
}  // namespace pier::console_client
