#include "common/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace pier {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("containerz", "containers"), 1u);
  EXPECT_EQ(edit_distance("contianers", "containers"), 1u);  // a swap counts once
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(SuggestTest, ClosestName) {
  constexpr std::array<std::string_view, 4> kFields = {"containers", "initContainers", "volumes", "hostname"};
  EXPECT_EQ(closest_name("containerz", kFields), "containers");
  EXPECT_EQ(closest_name("Volumes", kFields), "volumes");  // case alone
  EXPECT_EQ(closest_name("hostName", kFields), "hostname");
  EXPECT_EQ(closest_name("image", kFields), std::nullopt);
  EXPECT_EQ(closest_name("x", std::span<const std::string_view>{}), std::nullopt);
}

}  // namespace
}  // namespace pier
