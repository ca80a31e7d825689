#include "nginx_metrics/json_access_log.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pier::nginx_metrics {
namespace {

// What the README's log_format writes.
const std::string kLine =
    R"({"time":"2026-11-29T10:00:00+00:00","host":"shop.example.com","method":"GET","uri":"/cart","status":200,)"
    R"("bytes_sent":5120,"request_time":0.015,"upstream_addr":"10.0.0.1:8080","upstream_status":"200",)"
    R"("upstream_response_time":"0.012","user_agent":"curl/8"})";

TEST(JsonAccessLog, ReadsTheFields) {
  JsonAccessLogParser parser;
  AccessRecord r;
  ASSERT_TRUE(parser.parse(kLine, r)) << parser.problem();
  EXPECT_EQ(r.host, "shop.example.com");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.bytes_sent, 5120u);
  EXPECT_DOUBLE_EQ(r.request_seconds, 0.015);
  ASSERT_EQ(r.upstreams.size(), 1u);
  EXPECT_EQ(r.upstreams[0].address, "10.0.0.1:8080");
  EXPECT_DOUBLE_EQ(r.upstream_seconds, 0.012);
}

TEST(JsonAccessLog, StringNumbersEscapesAndNestedValues) {
  JsonAccessLogParser parser;
  AccessRecord r;
  std::string line =
      R"({ "host" : "a\"b\\c\u00e9\/x", "status":"503", "extra":{"k":[1,{"x":"}"}]}, "method":"POST",)"
      R"( "upstream_addr":"10.0.0.1:80, 10.0.0.2:80", "upstream_status":"502, 503",)"
      R"( "upstream_response_time":"0.100, 0.200", "request_time":"0.301" })";
  ASSERT_TRUE(parser.parse(line, r)) << parser.problem();
  EXPECT_EQ(r.host, "a\"b\\c\xc3\xa9/x");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.method, "POST");
  ASSERT_EQ(r.upstreams.size(), 2u);
  EXPECT_EQ(r.upstreams[1].address, "10.0.0.2:80");
  EXPECT_NEAR(r.upstream_seconds, 0.3, 1e-9);
}

TEST(JsonAccessLog, RequestsThatReachedNoUpstream) {
  JsonAccessLogParser parser;
  AccessRecord r;
  ASSERT_TRUE(parser.parse(R"({"host":"x","status":404,"upstream_addr":"-","upstream_status":"-","upstream_response_time":"-"})", r));
  EXPECT_TRUE(r.upstreams.empty());
  EXPECT_EQ(r.upstream_seconds, -1);
}

TEST(JsonAccessLog, FieldNamesAreConfigurable) {
  JsonFieldNames names;
  names.host = "vhost";
  names.status = "code";
  JsonAccessLogParser parser(names);
  AccessRecord r;
  ASSERT_TRUE(parser.parse(R"({"vhost":"api","code":"201"})", r)) << parser.problem();
  EXPECT_EQ(r.host, "api");
  EXPECT_EQ(r.status, 201);
}

TEST(JsonAccessLog, BadLinesSayWhatIsWrong) {
  JsonAccessLogParser parser;
  AccessRecord r;
  struct Case {
    std::string line;
    std::string problem;
  };
  for (const Case& c : std::vector<Case>{
           {"", "not a JSON object"},
           {"garbage", "not a JSON object"},
           {R"({"host":"x","status":200)", "truncated"},
           {R"({"host":"x","status":"20)", "truncated"},
           {R"({"host":"x"})", "no valid status"},
           {R"({"host":"x","status":"abc"})", "no valid status"},
           {R"({"status":200} trailing)", "text after the object"},
           {R"({"status":200,"request_time":"fast"})", "bad request_time"},
           {R"({"status":200,"upstream_status":"OK"})", "bad upstream fields"},
           {R"({"status":200,"host":"\q"})", "truncated"},
       }) {
    EXPECT_FALSE(parser.parse(c.line, r)) << c.line;
    EXPECT_EQ(parser.problem(), c.problem) << c.line;
  }
}

// Every prefix of a good line, and random bytes: an answer, never a crash
// or a read past the end (the test runs under the sanitizers in `debug`).
TEST(JsonAccessLog, TruncationAndRandomBytesNeverCrash) {
  JsonAccessLogParser parser;
  AccessRecord r;
  for (size_t n = 0; n < kLine.size(); ++n) EXPECT_FALSE(parser.parse(std::string_view(kLine).substr(0, n), r)) << n;
  std::mt19937 rng(7);
  std::string junk;
  for (int i = 0; i < 2000; ++i) {
    junk = kLine;
    for (int k = 0; k < 4; ++k) junk[rng() % junk.size()] = static_cast<char>(rng() % 256);
    (void)parser.parse(junk, r);
  }
  std::string huge = R"({"status":200,"host":")" + std::string(70 * 1024, 'h') + "\"}";
  ASSERT_TRUE(parser.parse(huge, r));
  EXPECT_EQ(r.host.size(), 70u * 1024);
}

}  // namespace
}  // namespace pier::nginx_metrics
