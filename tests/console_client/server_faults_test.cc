// The client against faults the real console cannot be made to produce, on
// a scripted raw server (scripted_http_server.h): streams cut mid-event or
// trickled a byte at a time, events repeated, a cursor that does not move,
// 503 then recovery, slow, empty, non-JSON and non-event-stream answers, a
// token echoed back. Each test writes inline only the bytes its fault needs.
// What the console does answer is tested against the console itself
// (console_client_test.cc, follow_events_test.cc, release_list_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "console_client/console_client.h"
#include "console_client/release_list.h"
#include "scripted_http_server.h"

namespace pier::console_client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::header_value;
using testing::request_target;
using testing::ScriptedConnection;
using testing::ScriptedHttpServer;
using namespace std::chrono_literals;

const std::string kToken = "pier_fault_token_0123456789abcdef";

ConsoleClient client_of(const ScriptedHttpServer& server, std::chrono::milliseconds timeout = 5s,
                        int max_reconnects = 3) {
  auto opened = ConsoleClient::open(ClientOptions{.server_url = server.url(),
                                                  .token = kToken,
                                                  .timeout = timeout,
                                                  .max_reconnects = max_reconnects,
                                                  .reconnect_delay = 10ms,
                                                  .max_reconnect_delay = 50ms});
  EXPECT_TRUE(opened) << opened.error().message;
  return std::move(*opened);
}

// What the callback saw: "id type message" per event.
struct Seen {
  std::vector<std::string> events;
  EventCallback callback() {
    return [this](const OperationEvent& event) {
      events.push_back(event.id + " " + event.type + " " + event.data.value("message", ""));
    };
  }
};

// One SSE event, as one chunk: `id`, `event` and a one-line JSON data.
bool write_event(ScriptedConnection& connection, int seq, const std::string& message) {
  return connection.write_chunk("id: " + std::to_string(seq) + "\nevent: step\ndata: {\"seq\": " + std::to_string(seq) +
                                ", \"message\": \"" + message + "\"}\n\n");
}
bool write_end(ScriptedConnection& connection, const std::string& status) {
  return connection.write_chunk("event: end\ndata: {\"id\": \"9\", \"status\": \"" + status + "\"}\n\n");
}
int last_event_id(const std::string& head) {
  std::string id = header_value(head, "Last-Event-ID");
  return id.empty() ? 0 : std::stoi(id);
}

// ---- get and post ----

TEST(ServerFaults, AnEmptyAnswerIsNull) {
  ScriptedHttpServer server([](int, const std::string&, ScriptedConnection& connection) {
    connection.respond(204, "", "");
  });
  auto answer = client_of(server).post("/api/v1/anything", nlohmann::json::object());
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->is_null());
}

TEST(ServerFaults, ATokenEchoedBackIsNeverShown) {
  // A careless proxy that puts what it got into its error.
  ScriptedHttpServer server([](int, const std::string& head, ScriptedConnection& connection) {
    std::string sent = header_value(head, "Authorization");
    connection.respond(403, "application/json",
                       R"({"error": "you sent )" + sent + R"(", "details": [{"location": "header", "message": ")" +
                           sent + R"("}]})");
  });
  auto echoed = client_of(server).get("/api/v1/releases");
  ASSERT_FALSE(echoed);
  EXPECT_EQ(echoed.error().code, ErrorCode::kDenied);
  EXPECT_EQ(echoed.error().describe(), "you sent Bearer (token)\n  header: Bearer (token)");
  EXPECT_EQ(header_value(server.heads().at(0), "Authorization"), "Bearer " + kToken);
}

TEST(ServerFaults, UnavailableAndInternalErrorsBecomeErrors) {
  ScriptedHttpServer server([](int index, const std::string&, ScriptedConnection& connection) {
    if (index == 0)
      connection.respond(503, "application/json", R"({"error": "the database is not answering"})");
    else if (index == 1)
      connection.respond(500, "application/json", R"({"error": "internal error"})");
    else
      connection.respond(502, "text/html", "<html><body><h1>502 Bad Gateway</h1>upstream gone</body></html>");
  });
  auto c = client_of(server);
  auto down = c.get("/api/v1/releases");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(down.error().retry, Retry::kYes);
  EXPECT_EQ(down.error().message, "the database is not answering");

  auto bug = c.get("/api/v1/releases");
  ASSERT_FALSE(bug);
  EXPECT_EQ(bug.error().code, ErrorCode::kInternal);
  EXPECT_EQ(bug.error().message, "internal error");

  auto proxy = c.get("/api/v1/releases");
  ASSERT_FALSE(proxy);
  EXPECT_EQ(proxy.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(proxy.error().message, "HTTP 502 Bad Gateway");
}

TEST(ServerFaults, AnAnswerThatIsNotJsonIsAnError) {
  ScriptedHttpServer server([](int, const std::string&, ScriptedConnection& connection) {
    connection.respond(200, "text/html", "<html>web UI</html>");
  });
  auto answer = client_of(server).get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kInternal);
  EXPECT_THAT(answer.error().message, HasSubstr("not JSON (is --server the console?)"));
}

TEST(ServerFaults, ASlowAnswerTimesOut) {
  ScriptedHttpServer server([](int, const std::string&, ScriptedConnection& connection) {
    std::this_thread::sleep_for(1000ms);
    connection.respond(200, "application/json", "{}");
  });
  auto started = std::chrono::steady_clock::now();
  auto answer = client_of(server, 300ms).get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(answer.error().message, HasSubstr("no answer from " + server.url() + " within 0.3 s"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 900ms);
}

// ---- the release list ----

TEST(ServerFaults, AReleaseCursorThatDoesNotMoveOnIsAnErrorNotALoop) {
  ScriptedHttpServer server([](int, const std::string&, ScriptedConnection& connection) {
    connection.respond(200, "application/json", R"({"items": [{"name": "a"}], "next": "same"})");
  });
  auto c = client_of(server);
  auto releases = list_releases(c, {});
  ASSERT_FALSE(releases);
  EXPECT_EQ(releases.error().code, ErrorCode::kInternal);
  EXPECT_THAT(releases.error().message, HasSubstr("does not move on"));
  auto heads = server.heads();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(request_target(heads[0]), "/api/v1/releases?limit=500");
  EXPECT_EQ(request_target(heads[1]), "/api/v1/releases?limit=500&after=same");
}

TEST(ServerFaults, AReleasePageWithoutItemsIsAnError) {
  ScriptedHttpServer server([](int, const std::string&, ScriptedConnection& connection) {
    connection.respond(200, "application/json", "[]");
  });
  auto c = client_of(server);
  auto releases = list_releases(c, {});
  ASSERT_FALSE(releases);
  EXPECT_THAT(releases.error().message, HasSubstr("\"items\""));
}

// ---- event streams ----

TEST(ServerFaults, EventsCutIntoSingleBytesWithCrLfAndMultiLineData) {
  const std::string events =
      ": hello\r\n\r\nretry: 10\r\n\r\nid: 1\r\nevent: validated\r\ndata: {\"seq\": 1,\r\ndata:  \"message\": "
      "\"validated\"}\r\n\r\n"
      "id: 2\r\nevent: end\r\ndata: {\"id\": \"9\", \"status\": \"succeeded\"}\r\n\r\n";
  ScriptedHttpServer server([&](int, const std::string&, ScriptedConnection& connection) {
    connection.start_event_stream();
    for (char c : events) {
      connection.write_chunk(std::string(1, c));
      std::this_thread::sleep_for(100us);
    }
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "succeeded");
  EXPECT_THAT(seen.events, ElementsAre("1 validated validated"));
}

TEST(ServerFaults, AStreamCutInsideAnEventResumesWithoutHalfAnEvent) {
  ScriptedHttpServer server([&](int index, const std::string& head, ScriptedConnection& connection) {
    connection.start_event_stream();
    if (index == 0) {
      write_event(connection, 1, "validated");
      connection.write_chunk("id: 2\nevent: step\ndata: {\"seq\": 2, \"mess");
      return;  // closed without the last chunk: the connection broke
    }
    if (last_event_id(head) != 1) return;
    write_event(connection, 2, "rendered");
    write_end(connection, "succeeded");
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_THAT(seen.events, ElementsAre("1 step validated", "2 step rendered"));
  auto heads = server.heads();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(header_value(heads[0], "Last-Event-ID"), "");
  EXPECT_EQ(header_value(heads[1], "Last-Event-ID"), "1");
}

TEST(ServerFaults, EventsTheServerRepeatsAreShownOnce) {
  ScriptedHttpServer server([&](int index, const std::string&, ScriptedConnection& connection) {
    connection.start_event_stream();
    if (index == 0) {
      for (int seq = 1; seq <= 3; ++seq) write_event(connection, seq, "step " + std::to_string(seq));
      connection.end_chunks();  // ended before the operation did
      return;
    }
    for (int seq = 1; seq <= 5; ++seq) write_event(connection, seq, "step " + std::to_string(seq));  // starts over
    write_end(connection, "failed");
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ((*operation)["status"], "failed");
  EXPECT_THAT(seen.events, ElementsAre("1 step step 1", "2 step step 2", "3 step step 3", "4 step step 4",
                                       "5 step step 5"));
}

TEST(ServerFaults, GivesUpAfterTheReconnectsWithoutProgress) {
  ScriptedHttpServer server([&](int, const std::string&, ScriptedConnection& connection) {
    connection.start_event_stream();
    connection.write_chunk(": keepalive\n\n");
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("42", "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(operation.error().message, HasSubstr("lost the events of operation 42 after 3 reconnects"));
  EXPECT_THAT(operation.error().message, HasSubstr("ended the event stream before the operation ended"));
  EXPECT_EQ(server.heads().size(), 4u);  // the first connection and 3 reconnects
}

TEST(ServerFaults, ProgressRenewsTheReconnectBudget) {
  // One new event per connection: more drops than max_reconnects, but never stuck.
  ScriptedHttpServer server([&](int, const std::string& head, ScriptedConnection& connection) {
    connection.start_event_stream();
    int next = last_event_id(head) + 1;
    if (next <= 5)
      write_event(connection, next, "step " + std::to_string(next));
    else
      write_end(connection, "succeeded");
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_EQ(seen.events.size(), 5u);
  EXPECT_EQ(server.heads().size(), 6u);
}

TEST(ServerFaults, AnUnavailableServerIsRetriedUntilItRecovers) {
  ScriptedHttpServer server([&](int index, const std::string&, ScriptedConnection& connection) {
    if (index < 2) {
      connection.respond(503, "application/json", R"({"error": "starting up"})");
      return;
    }
    connection.start_event_stream();
    write_event(connection, 1, "validated");
    write_end(connection, "succeeded");
    connection.end_chunks();
  });
  Seen seen;
  auto operation = client_of(server).follow_events("9", "", seen.callback());
  ASSERT_TRUE(operation) << operation.error().message;
  EXPECT_THAT(seen.events, ElementsAre("1 step validated"));
  EXPECT_EQ(server.heads().size(), 3u);
}

TEST(ServerFaults, ASilentStreamTimesOut) {
  ScriptedHttpServer server([&](int, const std::string&, ScriptedConnection& connection) {
    connection.start_event_stream();
    std::this_thread::sleep_for(1500ms);
  });
  auto c = client_of(server, 500ms, /*max_reconnects=*/0);
  Seen seen;
  auto started = std::chrono::steady_clock::now();
  auto operation = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(operation);
  EXPECT_EQ(operation.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(operation.error().message, HasSubstr("was silent for 0.5 s"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms);
}

TEST(ServerFaults, AnswersThatAreNotEventStreamsAreErrorsNotRetried) {
  ScriptedHttpServer server([&](int index, const std::string&, ScriptedConnection& connection) {
    if (index == 0) {
      connection.respond(200, "application/json", "{}");
      return;
    }
    connection.start_event_stream();
    connection.write_chunk("id: 1\nevent: validated\ndata: not json\n\n");
    connection.end_chunks();
  });
  auto c = client_of(server);
  Seen seen;
  auto json_answer = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(json_answer);
  EXPECT_EQ(json_answer.error().code, ErrorCode::kInternal);
  EXPECT_THAT(json_answer.error().message, HasSubstr("not an event stream"));

  auto bad_data = c.follow_events("9", "", seen.callback());
  ASSERT_FALSE(bad_data);
  EXPECT_EQ(bad_data.error().code, ErrorCode::kInternal);
  EXPECT_THAT(bad_data.error().message, HasSubstr("is not a JSON object"));
  EXPECT_THAT(bad_data.error().message, Not(HasSubstr(kToken)));
  EXPECT_TRUE(seen.events.empty());
  EXPECT_EQ(server.heads().size(), 2u);  // neither was retried
}

}  // namespace
}  // namespace pier::console_client
