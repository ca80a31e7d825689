#include "nginx_metrics/combined_access_log.h"

#include <gtest/gtest.h>

namespace pier::nginx_metrics {
namespace {

CombinedAccessLogParser parser_with(std::vector<std::string> fields = default_combined_fields()) {
  auto p = CombinedAccessLogParser::create(fields);
  EXPECT_TRUE(p);
  return std::move(*p);
}

TEST(CombinedAccessLog, ReadsTheExtendedCombinedLine) {
  auto parser = parser_with();
  AccessRecord r;
  std::string line =
      R"x(192.0.2.7 - - [29/Nov/2026:10:00:00 +0000] "GET /cart?id=1 HTTP/1.1" 200 5120 "https://shop/" "curl/8 (x)" )x"
      R"(0.015 0.010, 0.004 : 0.001 10.0.0.1:80, 10.0.0.2:80 : unix:/run/a.sock 502, 200 : 200 shop.example.com)";
  ASSERT_TRUE(parser.parse(line, r)) << parser.problem();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.bytes_sent, 5120u);
  EXPECT_DOUBLE_EQ(r.request_seconds, 0.015);
  EXPECT_EQ(r.host, "shop.example.com");
  ASSERT_EQ(r.upstreams.size(), 3u);
  EXPECT_EQ(r.upstreams[0].status, 502);
  EXPECT_EQ(r.upstreams[2].address, "unix:/run/a.sock");
  EXPECT_NEAR(r.upstream_seconds, 0.015, 1e-9);
}

TEST(CombinedAccessLog, FieldOrderIsConfigurableAndDashesMeanNone) {
  auto parser = parser_with({"host", "-", "request_time", "upstream_addr", "upstream_status", "upstream_response_time"});
  AccessRecord r;
  ASSERT_TRUE(parser.parse(R"(::1 - bob [t] "POST / HTTP/2.0" 404 0 "-" "-" api ignored 0.001 - - -)", r)) << parser.problem();
  EXPECT_EQ(r.host, "api");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.upstreams.empty());
}

TEST(CombinedAccessLog, BadLinesSayWhy) {
  auto parser = parser_with();
  AccessRecord r;
  EXPECT_FALSE(parser.parse("", r));
  EXPECT_FALSE(parser.parse("garbage", r));
  EXPECT_FALSE(parser.parse(R"(1.2.3.4 - - [t] "GET / HTTP/1.1" 2x0 1 "-" "-" 0.1 - - - h)", r));
  EXPECT_EQ(parser.problem(), "no valid status");
  EXPECT_FALSE(parser.parse(R"(1.2.3.4 - - [t] "GET / HTTP/1.1" 200 1 "-" "-" 0.1 - -)", r));
  EXPECT_EQ(parser.problem(), "missing extra fields");
  EXPECT_FALSE(parser.parse(R"(1.2.3.4 - - [t] "GET / HTTP/1.1 200 1 "-" "-")", r));
  EXPECT_FALSE(CombinedAccessLogParser::create({"host", "bogus"}));
}

}  // namespace
}  // namespace pier::nginx_metrics
