#include "nginx_metrics/upstream_fields.h"

#include <gtest/gtest.h>

namespace pier::nginx_metrics {
namespace {

TEST(UpstreamFields, OneAttempt) {
  std::vector<UpstreamAttempt> a;
  double total = 0;
  ASSERT_TRUE(split_upstreams("10.0.0.1:8080", "200", "0.012", a, total));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].address, "10.0.0.1:8080");
  EXPECT_EQ(a[0].status, 200);
  EXPECT_DOUBLE_EQ(a[0].seconds, 0.012);
  EXPECT_DOUBLE_EQ(total, 0.012);
}

TEST(UpstreamFields, RetriesAndInternalRedirectsAreEachCountedAndSummed) {
  std::vector<UpstreamAttempt> a;
  double total = 0;
  ASSERT_TRUE(split_upstreams("10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock", "502, 504 : 200",
                              "0.010, 0.020 : 0.030", a, total));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].address, "10.0.0.1:80");
  EXPECT_EQ(a[0].status, 502);
  EXPECT_EQ(a[1].address, "10.0.0.2:80");
  EXPECT_EQ(a[1].status, 504);
  EXPECT_EQ(a[2].address, "unix:/run/app.sock");
  EXPECT_EQ(a[2].status, 200);
  EXPECT_NEAR(total, 0.060, 1e-9);
}

TEST(UpstreamFields, DashesAndEmptyMeanNone) {
  std::vector<UpstreamAttempt> a;
  double total = 0;
  ASSERT_TRUE(split_upstreams("-", "-", "-", a, total));
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(total, -1);
  ASSERT_TRUE(split_upstreams("", "", "", a, total));
  EXPECT_TRUE(a.empty());
  // An attempt that timed out before a response: a status but no time.
  ASSERT_TRUE(split_upstreams("10.0.0.1:80, 10.0.0.2:80", "504, 200", "-, 0.005", a, total));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].seconds, -1);
  EXPECT_DOUBLE_EQ(total, 0.005);
}

TEST(UpstreamFields, GarbageIsRefused) {
  std::vector<UpstreamAttempt> a;
  double total = 0;
  EXPECT_FALSE(split_upstreams("10.0.0.1:80", "2OO", "0.1", a, total));
  EXPECT_FALSE(split_upstreams("10.0.0.1:80", "200", "0,1", a, total));
  EXPECT_FALSE(split_upstreams("10.0.0.1:80", "200", "1e3", a, total));
  EXPECT_FALSE(split_upstreams("10.0.0.1:80", "99", "0.1", a, total));
}

TEST(UpstreamFields, Numbers) {
  double s = 0;
  EXPECT_TRUE(parse_seconds("12", s));
  EXPECT_DOUBLE_EQ(s, 12);
  EXPECT_TRUE(parse_seconds("0.5", s));
  EXPECT_DOUBLE_EQ(s, 0.5);
  EXPECT_TRUE(parse_seconds(".25", s));
  EXPECT_DOUBLE_EQ(s, 0.25);
  EXPECT_FALSE(parse_seconds(".", s));
  EXPECT_FALSE(parse_seconds("-1", s));
  uint64_t v = 0;
  EXPECT_TRUE(parse_unsigned("18446744073709551", v));
  EXPECT_FALSE(parse_unsigned("99999999999999999999", v));
}

}  // namespace
}  // namespace pier::nginx_metrics
