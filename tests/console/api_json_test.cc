#include "console/api_json.h"

#include <gtest/gtest.h>

namespace pier::console {
namespace {

using namespace std::chrono;

TEST(ApiJson, TimesAreRfc3339UtcWithMilliseconds) {
  store::Timestamp at = sys_days{year{2026} / 11 / 29} + hours(14) + minutes(5) + seconds(1) + milliseconds(23);
  EXPECT_EQ(format_time(at), "2026-11-29T14:05:01.023Z");
  EXPECT_EQ(optional_time(std::nullopt), nullptr);
}

TEST(ApiJson, RevisionIdsAreStrings) {
  store::RevisionInfo info;
  info.key = {"prod", "shop", "web"};
  info.revision = 3;
  info.status = store::RevisionStatus::kDeployed;
  info.operation = store::OperationId{42};
  auto j = revision_json(info);
  EXPECT_EQ(j["operation"], "42");
  EXPECT_EQ(j["status"], "deployed");
  EXPECT_EQ(j["cluster"], "prod");
  EXPECT_EQ(j["finished_at"], nullptr);
}

TEST(ApiJson, EventsKeepTheirFieldsButNotAForgedSeq) {
  store::Event e{.seq = 7, .at = store::Timestamp{}, .data = {{"type", "applied"}, {"seq", 99}, {"index", 2}}};
  auto j = event_json(e);
  EXPECT_EQ(j["seq"], 7);
  EXPECT_EQ(j["type"], "applied");
  EXPECT_EQ(j["index"], 2);
}

}  // namespace
}  // namespace pier::console
