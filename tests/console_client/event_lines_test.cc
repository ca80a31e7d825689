#include "console_client/event_lines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "utc_zone.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(EventLines, OneLinePerEventWithItsLocalTime) {
  testing::ScopedUtcZone utc;
  json applied = {{"seq", 5},          {"time", "2026-11-29T14:05:03.250Z"},
                  {"type", "applied"}, {"message", "applied 3/6: Deployment shop/web"},
                  {"index", 3},        {"count", 6}};
  EXPECT_EQ(format_event_line(applied, {}), "  14:05:03  applied 3/6: Deployment shop/web\n");
}

TEST(EventLines, AFailureListsItsDetailsUnderIt) {
  testing::ScopedUtcZone utc;
  json failed = {{"seq", 2},
                 {"time", "2026-11-29T14:05:40Z"},
                 {"type", "failed"},
                 {"message", "failed: values do not match the schema"},
                 {"details",
                  {{{"location", "/jetty/replicas"}, {"message", "must be >= 1"}},
                   {{"location", ""}, {"message", "something else"}}}}};
  EXPECT_EQ(format_event_line(failed, {}),
            "  14:05:40  failed: values do not match the schema\n"
            "              /jetty/replicas: must be >= 1\n"
            "              something else\n");
}

TEST(EventLines, MultiLineMessagesStayUnderTheirTime) {
  testing::ScopedUtcZone utc;
  json event = {
      {"time", "2026-11-29T14:05:40Z"}, {"type", "failed"}, {"message", "failed: template error\nline 3: x\n"}};
  EXPECT_EQ(format_event_line(event, {}), "  14:05:40  failed: template error\n            line 3: x\n");
}

TEST(EventLines, MissingFieldsStillMakeALine) {
  EXPECT_EQ(format_event_line(json{{"type", "validated"}}, {}), "  validated\n");
  EXPECT_EQ(format_event_line(json::object(), {}), "  (event without a message)\n");
  EXPECT_EQ(format_event_line(json{{"message", 42}, {"details", "not a list"}}, {}), "  42\n");
}

TEST(EventLines, ColourMarksProblemsAndSuccessOnly) {
  TextStyle colour{.color = true};
  EXPECT_THAT(format_event_line(json{{"type", "failed"}, {"message", "failed: x"}}, colour), HasSubstr("\x1b[31m"));
  EXPECT_THAT(format_event_line(json{{"type", "pod_problem"}, {"message", "p"}}, colour), HasSubstr("\x1b[33m"));
  EXPECT_THAT(format_event_line(json{{"type", "done"}, {"message", "d"}}, colour), HasSubstr("\x1b[32m"));
  EXPECT_EQ(format_event_line(json{{"type", "applied"}, {"message", "a"}}, colour), "  a\n");
}

TEST(EventLines, TheOperationsOutcome) {
  json succeeded = {{"id", "42"}, {"status", "succeeded"}, {"message", "deployed revision 4"}};
  EXPECT_TRUE(operation_succeeded(succeeded));
  EXPECT_EQ(format_operation_result(succeeded, {}), "operation 42 succeeded\n");
  json failed = {{"id", "42"}, {"status", "failed"}, {"message", "rollout of Deployment shop/web timed out"}};
  EXPECT_FALSE(operation_succeeded(failed));
  EXPECT_EQ(format_operation_result(failed, {}), "operation 42 failed: rollout of Deployment shop/web timed out\n");
  json interrupted = {{"id", "7"}, {"status", "interrupted"}, {"message", ""}};
  EXPECT_EQ(format_operation_result(interrupted, {}), "operation 7 interrupted\n");
  EXPECT_FALSE(operation_succeeded(json::array()));
}

}  // namespace
}  // namespace pier::console_client
