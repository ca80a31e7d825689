#include "server/sse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// ---- framing ----

TEST(SseFormat, EventWithIdNameAndMultiLineData) {
  EXPECT_EQ(format_sse_event("progress", "7", "line one\nline two"),
            "id: 7\nevent: progress\ndata: line one\ndata: line two\n\n");
  EXPECT_EQ(format_sse_event("", "", "{}"), "data: {}\n\n");
  EXPECT_EQ(format_sse_event("", "", "a\r\nb\rc\n"), "data: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(format_sse_event("", "", ""), "data: \n\n");
}

TEST(SseFormat, LineBreaksCannotEscapeTheIdOrEventField) {
  EXPECT_EQ(format_sse_event("a\nevent: evil", "1\r\ndata: x", "d"), "id: 1data: x\nevent: aevent: evil\ndata: d\n\n");
}

TEST(SseFormat, CommentsAndChunks) {
  EXPECT_EQ(format_sse_comment("keepalive"), ": keepalive\n\n");
  EXPECT_EQ(http_chunk("hello"), "5\r\nhello\r\n");
  EXPECT_EQ(http_chunk(std::string(26, 'x')), "1a\r\n" + std::string(26, 'x') + "\r\n");
}

TEST(SseStreamQueue, OpensOnFirstSendAndClosesWithTheLastChunk) {
  int wakes = 0;
  SseStream stream("", "HEAD", true, 1 << 20, [&] { ++wakes; });
  EXPECT_FALSE(stream.opened());
  EXPECT_TRUE(stream.send("e", "1", nlohmann::json{{"k", 1}}));
  EXPECT_TRUE(stream.opened());
  EXPECT_TRUE(stream.send("e", "2", nlohmann::json{{"k", 2}}));
  EXPECT_EQ(wakes, 1);  // one wake until the connection takes the queue
  auto pending = stream.take();
  EXPECT_EQ(pending.bytes, "HEAD" + http_chunk("id: 1\nevent: e\ndata: {\"k\":1}\n\n") +
                               http_chunk("id: 2\nevent: e\ndata: {\"k\":2}\n\n"));
  EXPECT_FALSE(pending.finish);
  stream.close();
  EXPECT_FALSE(stream.send("e", "3", 1));
  pending = stream.take();
  EXPECT_EQ(pending.bytes, "0\r\n\r\n");
  EXPECT_TRUE(pending.finish);
}

TEST(SseStreamQueue, ASlowClientIsDroppedInsteadOfBufferedForever) {
  SseStream stream("", "", false, 100, [] {});
  EXPECT_TRUE(stream.send_text("", "", std::string(40, 'x')));
  EXPECT_FALSE(stream.send_text("", "", std::string(80, 'x')));
  EXPECT_TRUE(stream.closed());
  EXPECT_TRUE(stream.take().abort);
}

TEST(SseStreamQueue, CloseCallbacksRunOnceEvenWhenAddedLate) {
  SseStream stream("", "", false, 1000, [] {});
  int calls = 0;
  stream.on_close([&] { ++calls; });
  stream.mark_closed();
  stream.mark_closed();
  EXPECT_EQ(calls, 1);
  stream.on_close([&] { ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(stream.wait_closed(0ms));
}

// ---- over a server ----

class SseServerTest : public testing::ServerTest {
 protected:
  // Streams handed out by the handler, for the test to send to.
  std::mutex mutex_;
  std::vector<std::shared_ptr<SseStream>> streams_;
  std::map<std::string, std::shared_ptr<SseStream>> by_topic_;
  std::vector<std::string> last_event_ids_;

  void add_stream_route() {
    router_.stream("/events/{topic}",
                   [this](const Request& request, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
                     if (request.param("topic") == "missing") return Response::error(Error::not_found("no such topic"));
                     std::lock_guard lock(mutex_);
                     streams_.push_back(stream);
                     by_topic_[std::string(request.param("topic"))] = stream;
                     last_event_ids_.push_back(stream->last_event_id());
                     return std::nullopt;
                   },
                   Access::anyone());
  }

  std::shared_ptr<SseStream> wait_for_stream(std::size_t index) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (streams_.size() > index) return streams_[index];
      }
      std::this_thread::sleep_for(5ms);
    }
    return nullptr;
  }

  std::shared_ptr<SseStream> wait_for_topic(const std::string& topic) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (auto it = by_topic_.find(topic); it != by_topic_.end()) return it->second;
      }
      std::this_thread::sleep_for(5ms);
    }
    return nullptr;
  }
};

TEST_F(SseServerTest, EventsArriveInOrderWithIdsAndTheRightHeaders) {
  add_stream_route();
  start();
  testing::SseReader reader(url("/events/deploys"));
  auto stream = wait_for_stream(0);
  ASSERT_TRUE(stream);
  // From another thread, as a deploy worker would.
  std::thread producer([stream] {
    for (int i = 1; i <= 50; ++i) stream->send("progress", std::to_string(i), nlohmann::json{{"step", i}});
  });
  producer.join();
  ASSERT_TRUE(reader.wait_for("id: 50\n"));
  std::string text = reader.text();
  EXPECT_EQ(text.find("retry: 3000\n\n"), 0u);
  std::size_t at = 0;
  for (int i = 1; i <= 50; ++i) {
    std::string event = "id: " + std::to_string(i) + "\nevent: progress\ndata: {\"step\":" + std::to_string(i) + "}\n\n";
    std::size_t found = text.find(event, at);
    ASSERT_NE(found, std::string::npos) << "event " << i;
    at = found + event.size();
  }
  stream->close();
  EXPECT_TRUE(reader.wait_finished());
  EXPECT_EQ(reader.status(), 200);
  EXPECT_EQ(reader.content_type(), "text/event-stream");
  EXPECT_EQ(reader.error(), "");  // ended cleanly (last chunk), not cut
}

TEST_F(SseServerTest, LastEventIdReachesTheHandler) {
  add_stream_route();
  start();
  testing::SseReader reader(url("/events/deploys"), {"Last-Event-ID: 41"});
  ASSERT_TRUE(wait_for_stream(0));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(last_event_ids_.at(0), "41");
}

TEST_F(SseServerTest, AHandlerMayAnswerInsteadOfStreaming) {
  add_stream_route();
  start();
  auto response = testing::get(url("/events/missing"));
  EXPECT_EQ(response.status, 404);
  EXPECT_THAT(response.body, HasSubstr("no such topic"));
}

TEST_F(SseServerTest, ADisconnectedClientIsNoticed) {
  add_stream_route();
  start();
  std::atomic<bool> closed{false};
  {
    testing::SseReader reader(url("/events/deploys"));
    auto stream = wait_for_stream(0);
    ASSERT_TRUE(stream);
    stream->on_close([&] { closed = true; });
    ASSERT_TRUE(stream->send("hello", "1", 1));
    ASSERT_TRUE(reader.wait_for("id: 1"));
    reader.disconnect();
  }
  auto stream = wait_for_stream(0);
  for (int i = 0; i < 400 && !closed; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->send("late", "2", 2));
}

TEST_F(SseServerTest, KeepaliveCommentsFlowWhenNothingElseDoes) {
  add_stream_route();
  ServerOptions options = test_options();
  options.sse_keepalive = 50ms;
  start(options);
  testing::SseReader reader(url("/events/quiet"));
  ASSERT_TRUE(wait_for_stream(0));
  EXPECT_TRUE(reader.wait_for(": keepalive\n\n", 2s));
}

TEST_F(SseServerTest, StopEndsStreamsCleanly) {
  add_stream_route();
  start();
  testing::SseReader first(url("/events/a"));
  testing::SseReader second(url("/events/b"));
  auto a = wait_for_topic("a");
  auto b = wait_for_topic("b");
  ASSERT_TRUE(a && b);
  a->send("x", "1", 1);
  ASSERT_TRUE(first.wait_for("id: 1"));
  auto began = std::chrono::steady_clock::now();
  server_->stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);  // streams do not hold the stop until its deadline
  EXPECT_TRUE(first.wait_finished(2s));
  EXPECT_TRUE(second.wait_finished(2s));
  EXPECT_EQ(first.error(), "");
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
}

TEST_F(SseServerTest, ABlockingHandlerCanStreamAndSeesTheEnd) {
  std::atomic<bool> saw_close{false};
  router_.stream("/count", [&](const Request&, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
    for (int i = 1; i <= 3; ++i) stream->send("n", std::to_string(i), i);
    saw_close = stream->wait_closed(5s);
    return std::nullopt;
  }, Access::anyone());
  start();
  {
    testing::SseReader reader(url("/count"));
    ASSERT_TRUE(reader.wait_for("id: 3\nevent: n\ndata: 3\n\n"));
    reader.disconnect();
  }
  for (int i = 0; i < 400 && !saw_close; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(saw_close);
}

TEST_F(SseServerTest, StreamsNeedTheirRoleLikeAnyRoute) {
  router_.stream("/private", [](const Request&, std::shared_ptr<SseStream>) -> std::optional<Response> {
    return std::nullopt;
  }, Access::at_least(Role::kViewer));
  router_.set_authenticator([](std::string_view) -> Result<Principal> { return fail(Error::make(ErrorCode::kDenied, "no")); });
  start();
  auto response = testing::get(url("/private"));
  EXPECT_EQ(response.status, 401);
}

}  // namespace
}  // namespace pier::server
