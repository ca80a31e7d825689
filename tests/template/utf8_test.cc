// Tests of utf8.cc: Python's code-point view of strings.
#include "template/utf8.h"

#include <gtest/gtest.h>

namespace pier::tmpl::utf8 {
namespace {

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(length("héllo"), 5u);
  EXPECT_EQ(length("€😀"), 2u);
  EXPECT_EQ(length("\xff\xfe"), 2u);  // invalid bytes count one each
  EXPECT_EQ(length(""), 0u);
}

TEST(Utf8, InvalidBytesRoundTrip) {
  const std::string bad = "a\xc3(\xff";
  std::string out;
  for (std::size_t i = 0; i < bad.size();) append(out, next(bad, i));
  EXPECT_EQ(out, bad);
}

TEST(Utf8, StripUsesPythonWhitespace) {
  EXPECT_EQ(strip(" \t\n x y \r\f\v"), "x y");
  EXPECT_EQ(strip("\xc2\xa0x\xe3\x80\x80"), "x");  // U+00A0 and U+3000 are whitespace in Python
  EXPECT_EQ(strip("  x  ", true, false), "x  ");
  EXPECT_EQ(strip("  x  ", false, true), "  x");
  EXPECT_EQ(strip_chars("xxéaxé", "xé"), "a");
  EXPECT_EQ(strip("x\xff "), "x\xff");
}

TEST(Utf8, SplitLinesLikePython) {
  const auto lines = split_lines("a\r\nb\rc\n\nd\x0b" "e\xe2\x80\xa8" "f\n");
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "c");
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "d");
  EXPECT_EQ(lines[5], "e");
  EXPECT_EQ(lines[6], "f");
  EXPECT_TRUE(split_lines("").empty());
}

TEST(Utf8, SplitWhitespace) {
  const auto parts = split_whitespace("  a  b\tc ", 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "b\tc");
  EXPECT_EQ(split_whitespace(" a b ").size(), 2u);
}

TEST(Utf8, AsciiCase) {
  EXPECT_EQ(ascii_upper("héllo"), "HéLLO");
  EXPECT_EQ(ascii_lower("ÉA"), "Éa");
}

}  // namespace
}  // namespace pier::tmpl::utf8
