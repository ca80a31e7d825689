#include "common/text_position.h"

#include <gtest/gtest.h>

namespace pier {
namespace {

TEST(TextPosition, CountsLinesAndColumnsFromOne) {
  std::string_view text = "ab\ncd\n\nef";
  EXPECT_EQ(position_of(text, 0).line, 1);
  EXPECT_EQ(position_of(text, 0).column, 1);
  EXPECT_EQ(position_of(text, 4).line, 2);
  EXPECT_EQ(position_of(text, 4).column, 2);
  EXPECT_EQ(position_of(text, 7).line, 4);
  EXPECT_EQ(position_of(text, 7).column, 1);
}

TEST(TextPosition, ColumnsCountCodePointsNotBytes) {
  std::string_view text = "名字: x";  // two 3-byte characters
  EXPECT_EQ(position_of(text, 6).column, 3);
}

TEST(TextPosition, OffsetPastEndClamps) {
  EXPECT_EQ(position_of("abc", 99).column, 4);
}

TEST(TextPosition, Formats) { EXPECT_EQ(format_position("t.j2", {3, 14}), "t.j2:3:14"); }

}  // namespace
}  // namespace pier
