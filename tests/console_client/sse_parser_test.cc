#include "console_client/sse_parser.h"

#include <gtest/gtest.h>

namespace pier::console_client {
namespace {

using std::chrono::milliseconds;

// Feeds every chunk and returns all the events, failing the test on an error.
std::vector<SseEvent> parse(SseParser& parser, const std::vector<std::string>& chunks) {
  std::vector<SseEvent> all;
  for (const auto& chunk : chunks) {
    auto events = parser.feed(chunk);
    EXPECT_TRUE(events) << events.error().message;
    if (!events) return all;
    for (auto& event : *events) all.push_back(std::move(event));
  }
  return all;
}

std::vector<SseEvent> parse(const std::string& text) {
  SseParser parser;
  return parse(parser, {text});
}

TEST(SseParser, OneEventWithTypeIdAndData) {
  auto events = parse("event: applied\nid: 7\ndata: {\"seq\":7}\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "applied");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].data, "{\"seq\":7}");
}

TEST(SseParser, DataLinesAreJoinedWithNewlines) {
  auto events = parse("data: {\ndata:   \"a\": 1\ndata: }\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "{\n  \"a\": 1\n}");  // one space after the colon is dropped, the rest kept
  EXPECT_EQ(events[0].type, "message");           // no event: field
}

TEST(SseParser, CrLfAndBareCrEndLinesToo) {
  auto events = parse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "a");
  EXPECT_EQ(events[0].data, "1");
  EXPECT_EQ(events[1].type, "b");
  EXPECT_EQ(events[1].data, "2");
  EXPECT_EQ(events[2].type, "message");
  EXPECT_EQ(events[2].data, "3");
}

TEST(SseParser, EveryWayOfCuttingTheBytesGivesTheSameEvents) {
  const std::string text =
      "retry: 3000\r\n\r\n: keepalive\r\n\r\nid: 1\r\nevent: validated\r\ndata: {\"seq\":1,\r\ndata: \"x\":2}\r\n\r\n"
      "id: 2\nevent: end\ndata: {}\n\n";
  auto whole = parse(text);
  ASSERT_EQ(whole.size(), 2u);
  // Byte by byte: a CRLF split between two reads is one line end, not two.
  SseParser byte_parser;
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  auto by_bytes = parse(byte_parser, bytes);
  ASSERT_EQ(by_bytes.size(), 2u);
  // And every split in two.
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    SseParser parser;
    auto split = parse(parser, {text.substr(0, cut), text.substr(cut)});
    ASSERT_EQ(split.size(), 2u) << "cut at " << cut;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(split[i].type, whole[i].type) << "cut at " << cut;
      EXPECT_EQ(split[i].id, whole[i].id) << "cut at " << cut;
      EXPECT_EQ(split[i].data, whole[i].data) << "cut at " << cut;
    }
  }
  EXPECT_EQ(whole[0].data, "{\"seq\":1,\n\"x\":2}");
}

TEST(SseParser, AnEventWaitsForItsEmptyLine) {
  SseParser parser;
  auto first = parser.feed("id: 1\ndata: x\n");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->empty());
  auto second = parser.feed("\n");
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].data, "x");
}

TEST(SseParser, CommentsAndUnknownFieldsAreIgnored) {
  auto events = parse(": keepalive\n\n:another\nfoo: bar\ndata: x\n: inside\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseParser, AFieldWithoutColonHasAnEmptyValue) {
  auto events = parse("data\n\ndata\ndata\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "");
  EXPECT_EQ(events[1].data, "\n");
}

TEST(SseParser, EventsWithoutDataAreNotDispatchedButTheirIdCounts) {
  SseParser parser;
  auto events = parse(parser, {"event: noise\n\nid: 5\n\n"});
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(parser.last_event_id(), "5");
  events = parse(parser, {"data: later\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "message");  // the type of the undispatched event does not leak
  EXPECT_EQ(events[0].id, "5");          // the id stays until another id: line
}

TEST(SseParser, AnEmptyIdResetsTheLastEventId) {
  SseParser parser;
  parse(parser, {"id: 3\ndata: a\n\n"});
  EXPECT_EQ(parser.last_event_id(), "3");
  auto events = parse(parser, {"id\ndata: b\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "");
  EXPECT_EQ(parser.last_event_id(), "");
}

TEST(SseParser, AnIdWithANulByteIsIgnored) {
  SseParser parser;
  parse(parser, {"id: 3\ndata: a\n\n", std::string("id: 4") + '\0' + "x\ndata: b\n\n"});
  EXPECT_EQ(parser.last_event_id(), "3");
}

TEST(SseParser, RetryTakesDigitsOnly) {
  SseParser parser;
  EXPECT_FALSE(parser.retry());
  parse(parser, {"retry: 3000\n\n"});
  EXPECT_EQ(parser.retry(), milliseconds(3000));
  parse(parser, {"retry: 3s\n\nretry: -1\n\nretry:\n\nretry: 99999999999999999999999\n\n"});
  EXPECT_EQ(parser.retry(), milliseconds(3000));
  parse(parser, {"retry:250\n\n"});
  EXPECT_EQ(parser.retry(), milliseconds(250));
}

TEST(SseParser, OnlyOneSpaceAfterTheColonIsDropped) {
  auto events = parse("event:x\ndata:  two spaces\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "x");
  EXPECT_EQ(events[0].data, " two spaces");
}

TEST(SseParser, AByteOrderMarkAtTheStartIsSkippedEvenWhenSplit) {
  SseParser parser;
  auto events = parse(parser, {"\xEF", "\xBB",
                               "\xBF"
                               "data: x\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseParser, ANewConnectionDropsTheCutEventButKeepsTheLastId) {
  SseParser parser;
  parse(parser, {"id: 1\ndata: one\n\nid: 2\ndata: half of tw"});
  EXPECT_EQ(parser.last_event_id(), "1");
  parser.start_new_connection();
  EXPECT_EQ(parser.last_event_id(), "1");
  auto events = parse(parser, {"id: 2\ndata: two\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "two");
  EXPECT_EQ(events[0].id, "2");
}

TEST(SseParser, ACrAtTheEndOfAConnectionDoesNotEatTheNextLf) {
  SseParser parser;
  parse(parser, {"data: a\r"});
  parser.start_new_connection();
  auto events = parse(parser, {"\ndata: b\n\n"});  // the LF is an empty line of its own now
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "b");
}

TEST(SseParser, ALineLongerThanTheLimitIsAnError) {
  SseParser parser(64);
  auto events = parser.feed("data: " + std::string(100, 'x'));
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(parser.feed("\n\n"));  // unusable afterwards
}

TEST(SseParser, AnEventLargerThanTheLimitIsAnError) {
  SseParser parser(64);
  std::string lines;
  for (int i = 0; i < 10; ++i) lines += "data: 0123456789\n";
  EXPECT_FALSE(parser.feed(lines));
}

}  // namespace
}  // namespace pier::console_client
