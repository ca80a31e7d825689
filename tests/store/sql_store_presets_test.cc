#include <gtest/gtest.h>

#include "store_fixture.h"

namespace pier::store::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class PresetsTest : public StoreTest {
 protected:
  Preset preset(std::string team, std::string name, json values) {
    return Preset{.key = {"jetty", std::move(team), std::move(name)},
                  .description = "a preset",
                  .values = std::move(values),
                  .updated_by = "alice"};
  }
};

TEST_P(PresetsTest, SavesGetsListsDeletes) {
  auto saved = must(store_->save_preset(preset("", "large", {{"replicas", 6}}), IfExists::kFail));
  EXPECT_EQ(saved.values, (json{{"replicas", 6}}));
  EXPECT_EQ(saved.created_at, FakeClock::kWallStart);
  must(store_->save_preset(preset("team-a", "large", {{"replicas", 8}}), IfExists::kFail));
  must(store_->save_preset(preset("team-a", "small", {{"replicas", 1}}), IfExists::kFail));
  must(store_->save_preset(
      Preset{.key = {"redis", "", "large"}, .values = json::object(), .updated_by = "bob"}, IfExists::kFail));

  auto got = must(store_->get_preset({"jetty", "team-a", "large"}));
  EXPECT_EQ(got.values["replicas"], 8);
  EXPECT_EQ(got.description, "a preset");
  EXPECT_EQ(got.updated_by, "alice");

  auto all = must(store_->list_presets("jetty", std::nullopt));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].key, (PresetKey{"jetty", "", "large"}));
  EXPECT_EQ(all[1].key, (PresetKey{"jetty", "team-a", "large"}));
  EXPECT_EQ(all[2].key, (PresetKey{"jetty", "team-a", "small"}));
  EXPECT_EQ(must(store_->list_presets("jetty", "team-a")).size(), 2u);
  EXPECT_EQ(must(store_->list_presets("jetty", "")).size(), 1u);
  EXPECT_TRUE(must(store_->list_presets("nginx-ingress", std::nullopt)).empty());

  must(store_->delete_preset({"jetty", "team-a", "small"}));
  EXPECT_EQ(store_->get_preset({"jetty", "team-a", "small"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->delete_preset({"jetty", "team-a", "small"}).error().code, ErrorCode::kNotFound);
}

TEST_P(PresetsTest, NamesAreUniqueWithinAppAndTeam) {
  must(store_->save_preset(preset("team-a", "large", {{"replicas", 6}}), IfExists::kFail));
  auto taken = store_->save_preset(preset("team-a", "large", {{"replicas", 7}}), IfExists::kFail);
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
  EXPECT_EQ(taken.error().message, "preset jetty/team-a/large already exists");

  clock_.advance(seconds(60));
  Preset changed = preset("team-a", "large", {{"replicas", 7}});
  changed.updated_by = "bob";
  auto replaced = must(store_->save_preset(changed, IfExists::kReplace));
  EXPECT_EQ(replaced.values["replicas"], 7);
  EXPECT_EQ(replaced.updated_by, "bob");
  EXPECT_EQ(replaced.created_at, FakeClock::kWallStart);
  EXPECT_EQ(replaced.updated_at, FakeClock::kWallStart + seconds(60));
}

TEST_P(PresetsTest, RefusesBadInput) {
  EXPECT_EQ(store_->save_preset(preset("", "", {}), IfExists::kFail).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->get_preset({"jetty", "", "nope"}).error().code, ErrorCode::kNotFound);
}

INSTANTIATE_FOR_EACH_BACKEND(PresetsTest);

}  // namespace
}  // namespace pier::store::testing
