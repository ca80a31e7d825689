#include "console_client/release_table.h"

#include <gtest/gtest.h>

#include "console_api_double.h"
#include "utc_zone.h"

namespace pier::console_client {
namespace {

using nlohmann::json;

TEST(ReleaseTable, ReleaseRows) {
  testing::ScopedUtcZone utc;
  json running = pier::testing::sample_release("prod", "api", 5);
  running["status"] = "pending";
  running["finished_at"] = nullptr;
  running["active_operation"] = pier::testing::sample_operation("45", "running");
  TableRows rows = release_rows({pier::testing::sample_release("prod", "web", 4), running});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"CLUSTER", "NAMESPACE", "NAME", "REVISION", "APP", "VERSION", "STATUS",
                                               "UPDATED"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"prod", "shop", "web", "4", "jetty", "1.4.4", "deployed",
                                               "2026-11-29 14:06:40"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"prod", "shop", "api", "5", "jetty", "1.4.5",
                                               "pending (upgrade running)", "2026-11-29 14:05:01"}));
}

TEST(ReleaseTable, RevisionRows) {
  testing::ScopedUtcZone utc;
  json failed = pier::testing::sample_revision(4, "failed");
  json no_message = pier::testing::sample_revision(2, "superseded");
  no_message["message"] = "";
  json long_message = pier::testing::sample_revision(1, "superseded");
  long_message["message"] = "line one\nline two " + std::string(100, 'x');
  TableRows rows = revision_rows(json::array({failed, no_message, long_message}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"REVISION", "STATUS", "APP", "VERSION", "USER", "CREATED", "MESSAGE/DETAIL"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"4", "failed", "jetty", "1.4.4", "alice", "2026-11-29 14:05:01",
                                               "revision 4; rollout timed out"}));
  EXPECT_EQ(rows[2][6], "");
  EXPECT_EQ(rows[3][6].size(), 80u);
  EXPECT_EQ(rows[3][6].substr(0, 18), "line one line two ");
  EXPECT_TRUE(rows[3][6].ends_with("..."));
}

TEST(ReleaseTable, WrongTypesMakeEmptyOrTextCells) {
  TableRows rows =
      release_rows({json::parse(R"({"cluster": 7, "revision": "x", "active_operation": "yes"})"), json(3)});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "7");
  EXPECT_EQ(rows[1][3], "x");
  EXPECT_EQ(rows[1][6], "");
  EXPECT_EQ(rows[2], std::vector<std::string>(8, ""));
  EXPECT_EQ(revision_rows(json::object()).size(), 1u);
}

}  // namespace
}  // namespace pier::console_client
