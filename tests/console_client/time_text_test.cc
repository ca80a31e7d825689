#include "console_client/time_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace pier::console_client {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// Shown times are local: these tests fix the zone and restore it.
class TimeTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* zone = std::getenv("TZ");
    if (zone) saved_ = zone;
    had_zone_ = zone != nullptr;
  }
  void TearDown() override {
    if (had_zone_)
      ::setenv("TZ", saved_.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  void use_zone(const char* zone) {
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  std::string saved_;
  bool had_zone_ = false;
};

TEST_F(TimeTextTest, ParsesTheApiFormatAndOffsets) {
  auto utc = parse_api_time("2026-11-29T14:05:01.123Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(utc->time_since_epoch()).count(), 1'795'961'101'123LL);
  auto offset = parse_api_time("2026-11-29T15:05:01.123+01:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, *utc);
  EXPECT_TRUE(parse_api_time("2026-11-29T14:05:01Z"));
  EXPECT_TRUE(parse_api_time("2026-11-29T14:05:01.123456789-05:30"));
}

TEST_F(TimeTextTest, RefusesWhatIsNotATimestamp) {
  for (const char* bad : {"", "yesterday", "2026-11-29", "2026-11-29T14:05:01", "2026-13-01T00:00:00Z",
                          "2026-11-29T14:05:01.Z", "2026-11-29T14:05:01Zjunk", "2026-11-29T14:05:01+0100"})
    EXPECT_FALSE(parse_api_time(bad)) << bad;
}

TEST_F(TimeTextTest, ShownInTheLocalZone) {
  use_zone("UTC");
  EXPECT_EQ(local_time_of_day("2026-11-29T14:05:01.123Z"), "14:05:01");
  EXPECT_EQ(local_date_time("2026-11-29T14:05:01.123Z"), "2026-11-29 14:05:01");
  use_zone("CST-8");  // POSIX rule: UTC+8, no tzdata needed
  EXPECT_EQ(local_time_of_day("2026-11-29T14:05:01.123Z"), "22:05:01");
  EXPECT_EQ(local_date_time("2026-11-29T23:05:01Z"), "2026-11-30 07:05:01");
}

TEST_F(TimeTextTest, OtherTextIsShownAsItIs) {
  EXPECT_EQ(local_time_of_day(""), "");
  EXPECT_EQ(local_date_time("soon"), "soon");
}

}  // namespace
}  // namespace pier::console_client
