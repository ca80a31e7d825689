#include "kube/watch_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pier::kube {
namespace {

using ::testing::HasSubstr;

std::string line(std::string type, std::string name, std::string rv) {
  nlohmann::json object = {{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", name}, {"namespace", "web"}, {"resourceVersion", rv}}},
                           {"data", {{"text", "multi-byte: 北京, braces {}, quotes \\\" and a \\n escaped newline"}}}};
  return nlohmann::json{{"type", type}, {"object", object}}.dump() + "\n";
}

const std::string kStream = line("ADDED", "a", "1") + line("MODIFIED", "a", "2") +
                            R"j({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"3"}}})j"
                            "\n" +
                            line("DELETED", "a", "4");

std::vector<WatchEvent> feed_in_chunks(const std::string& bytes, std::size_t chunk_size, WatchDecoder& decoder) {
  std::vector<WatchEvent> events;
  for (std::size_t at = 0; at < bytes.size(); at += chunk_size) {
    auto out = decoder.feed(std::string_view(bytes).substr(at, chunk_size));
    EXPECT_FALSE(out.error) << out.error->message;
    for (auto& e : out.events) events.push_back(std::move(e));
  }
  return events;
}

void expect_the_four_events(const std::vector<WatchEvent>& events) {
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(events[1].type, WatchEvent::Type::kModified);
  EXPECT_EQ(events[1].object["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(events[2].type, WatchEvent::Type::kBookmark);
  EXPECT_EQ(events[2].object["metadata"]["resourceVersion"], "3");
  EXPECT_EQ(events[3].type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(events[0].object["data"]["text"], "multi-byte: 北京, braces {}, quotes \\\" and a \\n escaped newline");
}

TEST(WatchDecoderTest, WholeStreamInOneChunk) {
  WatchDecoder decoder;
  expect_the_four_events(feed_in_chunks(kStream, kStream.size(), decoder));
  EXPECT_EQ(decoder.pending_bytes(), 0u);
}

TEST(WatchDecoderTest, ByteByByte) {
  WatchDecoder decoder;
  expect_the_four_events(feed_in_chunks(kStream, 1, decoder));
  EXPECT_EQ(decoder.pending_bytes(), 0u);
}

TEST(WatchDecoderTest, EveryChunkSize) {
  for (std::size_t size = 2; size <= kStream.size(); ++size) {
    SCOPED_TRACE(size);
    WatchDecoder decoder;
    expect_the_four_events(feed_in_chunks(kStream, size, decoder));
    EXPECT_EQ(decoder.pending_bytes(), 0u);
  }
}

TEST(WatchDecoderTest, EveryCutPointInTwoChunks) {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    WatchDecoder decoder;
    std::vector<WatchEvent> events;
    for (auto part : {std::string_view(kStream).substr(0, cut), std::string_view(kStream).substr(cut)})
      for (auto& e : decoder.feed(part).events) events.push_back(std::move(e));
    SCOPED_TRACE(cut);
    expect_the_four_events(events);
  }
}

TEST(WatchDecoderTest, ACutStreamKeepsThePartialLineAndNeverDeliversIt) {
  const std::string first = line("ADDED", "a", "1");
  const std::string second = line("MODIFIED", "a", "2");
  for (std::size_t cut = 0; cut < second.size(); ++cut) {
    WatchDecoder decoder;
    auto out = decoder.feed(first + second.substr(0, cut));
    EXPECT_FALSE(out.error);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(decoder.pending_bytes(), cut);  // the caller sees the stream ended inside an event
  }
}

TEST(WatchDecoderTest, BlankAndCrlfLinesAreTolerated) {
  std::string crlf = line("ADDED", "a", "1");
  crlf.insert(crlf.size() - 1, "\r");
  WatchDecoder decoder;
  auto out = decoder.feed("\n\r\n" + crlf);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(out.events.size(), 1u);
}

TEST(WatchDecoderTest, GoneErrorEventMeansResync) {
  WatchDecoder decoder("context prod-bj", "watch v1 ConfigMap in namespace web");
  auto out = decoder.feed(
      line("ADDED", "a", "1") +
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})j"
      "\n" +
      line("ADDED", "b", "6"));
  ASSERT_EQ(out.events.size(), 1u);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, ErrorCode::kConflict);
  EXPECT_EQ(out.error->retry, Retry::kResync);
  EXPECT_EQ(out.error->message, "context prod-bj: watch v1 ConfigMap in namespace web: too old resource version: 1 (5)");
  EXPECT_TRUE(decoder.failed());
  EXPECT_TRUE(decoder.feed(line("ADDED", "c", "7")).events.empty());  // nothing after the error
}

TEST(WatchDecoderTest, OtherErrorEvents) {
  WatchDecoder decoder;
  auto out = decoder.feed(
      R"j({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"etcd down","reason":"InternalError","code":500}})j"
      "\n");
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->code, ErrorCode::kUnavailable);
  EXPECT_EQ(out.error->retry, Retry::kYes);

  WatchDecoder without_code;
  auto bare = without_code.feed(R"j({"type":"ERROR","object":{"kind":"Status","message":"?"}})j" "\n");
  ASSERT_TRUE(bare.error);
  EXPECT_EQ(bare.error->retry, Retry::kYes);
}

TEST(WatchDecoderTest, GarbageIsAnErrorNotACrash) {
  for (std::string bad : {"not json\n", "[1,2]\n", R"j({"type":"ADDED"})j" "\n", R"j({"type":"RENAMED","object":{}})j" "\n",
                          R"j({"type":7,"object":{}})j" "\n", "{\"type\":\"ADDED\",\"object\":{\"a\":\"\xff\"}}\n"}) {
    WatchDecoder decoder;
    auto out = decoder.feed(bad);
    ASSERT_TRUE(out.error) << bad;
    EXPECT_EQ(out.error->retry, Retry::kYes);
    EXPECT_TRUE(out.events.empty());
  }
  WatchDecoder decoder;
  EXPECT_THAT(decoder.feed(R"j({"type":"RENAMED","object":{}})j" "\n").error->message, HasSubstr("RENAMED"));
}

TEST(WatchDecoderTest, AnEndlessLineIsAnErrorNotUnboundedMemory) {
  WatchDecoder decoder;
  const std::string mebibyte(1 << 20, 'x');
  std::optional<Error> error;
  for (int i = 0; i < 100 && !error; ++i) error = decoder.feed(mebibyte).error;
  ASSERT_TRUE(error);
  EXPECT_THAT(error->message, HasSubstr("without an end"));
  EXPECT_EQ(decoder.pending_bytes(), 0u);
}

}  // namespace
}  // namespace pier::kube
