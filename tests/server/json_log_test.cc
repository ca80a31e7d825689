#include "server/json_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pier::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-29T12:00:00.123Z
system_clock::time_point example_time() { return system_clock::time_point(milliseconds(1795953600123)); }

class FixedClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return {}; }
  system_clock::time_point wall_now() const override { return example_time(); }
};

TEST(JsonLog, OneObjectPerLineWithTheStandardFieldsFirst) {
  EXPECT_EQ(format_log_line(example_time(), LogLevel::kInfo, "server", "listening",
                            {{"address", "127.0.0.1:8080"}, {"tls", true}, {"port", 8080}, {"ratio", 0.5}}),
            R"({"ts":"2026-11-29T12:00:00.123Z","level":"info","msg":"listening","component":"server",)"
            R"("address":"127.0.0.1:8080","tls":true,"port":8080,"ratio":0.5})"
            "\n");
}

TEST(JsonLog, EscapesAndRepairsText) {
  std::string line = format_log_line(example_time(), LogLevel::kError, "x", "quote \" backslash \\ newline \n tab \t",
                                     {{"bytes", std::string("bad \xff utf8 \x01 ok \xC3\xA9")}, {"nan", 0.0 / 0.0}});
  auto parsed = nlohmann::json::parse(line);  // must be valid JSON
  EXPECT_EQ(parsed["msg"], "quote \" backslash \\ newline \n tab \t");
  EXPECT_EQ(parsed["bytes"], "bad \xEF\xBF\xBD utf8 \x01 ok \xC3\xA9");
  EXPECT_TRUE(parsed["nan"].is_null());
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
}

TEST(JsonLog, LoggerFiltersByLevelAndNamesItsComponent) {
  auto sink = std::make_shared<MemoryLogSink>();
  FixedClock clock;
  Logger logger(sink, "server", LogLevel::kInfo, clock);
  logger.debug("hidden");
  logger.info("shown", {{"n", 1}});
  logger.for_component("health").warn("check failed");
  auto lines = sink->lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], R"({"ts":"2026-11-29T12:00:00.123Z","level":"info","msg":"shown","component":"server","n":1})" "\n");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["component"], "health");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "warn");
}

TEST(JsonLog, TimeFormat) {
  EXPECT_EQ(format_log_time(example_time()), "2026-11-29T12:00:00.123Z");
  EXPECT_EQ(format_log_time(system_clock::time_point(milliseconds(5))), "1970-01-01T00:00:00.005Z");
}

}  // namespace
}  // namespace pier::server
