#include "console_client/release_table.h"

#include <gtest/gtest.h>

#include "utc_zone.h"

namespace pier::console_client {
namespace {

using nlohmann::json;

// A revision as GET .../revisions lists it.
json revision(int number, const std::string& status) {
  return {{"cluster", "prod"},
          {"namespace", "shop"},
          {"name", "web"},
          {"revision", number},
          {"app", "jetty"},
          {"app_version", "1.4." + std::to_string(number)},
          {"status", status},
          {"user", "alice"},
          {"created_at", "2026-11-29T14:05:01.123Z"},
          {"finished_at", "2026-11-29T14:06:40.000Z"},
          {"message", "revision " + std::to_string(number)},
          {"status_detail", status == "failed" ? "rollout timed out" : ""},
          {"operation", std::to_string(40 + number)}};
}

// A release as GET /releases lists it: its latest revision and more.
json release(const std::string& name, int number) {
  json out = revision(number, "deployed");
  out["name"] = name;
  out["deployed_revision"] = number;
  out["active_operation"] = nullptr;
  return out;
}

TEST(ReleaseTable, ReleaseRows) {
  testing::ScopedUtcZone utc;
  json running = release("api", 5);
  running["status"] = "pending";
  running["finished_at"] = nullptr;
  running["active_operation"] = {{"id", "45"}, {"kind", "upgrade"}, {"status", "running"}};
  TableRows rows = release_rows({release("web", 4), running});
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
  json failed = revision(4, "failed");
  json no_message = revision(2, "superseded");
  no_message["message"] = "";
  json long_message = revision(1, "superseded");
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
