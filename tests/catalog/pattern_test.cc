#include "catalog/pattern.h"

#include <gtest/gtest.h>

namespace pier::catalog {
namespace {

Pattern compiled(const char* expression) {
  auto p = Pattern::compile(expression);
  EXPECT_TRUE(p) << p.error().message;
  return std::move(*p);
}

TEST(Pattern, SearchIsUnanchoredAsJsonSchemaSays) {
  EXPECT_EQ(compiled("[0-9]+").search("abc123"), Pattern::kMatch);
  EXPECT_EQ(compiled("^[0-9]+$").search("abc123"), Pattern::kNoMatch);
  EXPECT_EQ(compiled("^(Mi|Gi)").search("Gi"), Pattern::kMatch);
}

TEST(Pattern, DollarMatchesOnlyAtTheVeryEndAsInJavaScript) {
  // PCRE's default lets $ match before a final newline; ECMA-262 does not.
  EXPECT_EQ(compiled("^abc$").search("abc\n"), Pattern::kNoMatch);
  EXPECT_EQ(compiled("^abc$").search("abc"), Pattern::kMatch);
}

TEST(Pattern, MatchesCodePointsNotBytes) {
  EXPECT_EQ(compiled("^.$").search("\xC3\xA9"), Pattern::kMatch);  // é is one character
  EXPECT_EQ(compiled("^\\u00e9$").search("\xC3\xA9"), Pattern::kMatch);
}

TEST(Pattern, LongValuesDoNotCrash) {
  // std::regex recurses once per character and overflows the stack at about
  // 50,000 characters on this pattern.
  std::string path = "/" + std::string(300'000, 'a');
  EXPECT_EQ(compiled("^/[^\\s]*$").search(path), Pattern::kMatch);
  EXPECT_EQ(compiled("^(/|a)*$").search(path), Pattern::kMatch);
  EXPECT_EQ(compiled("^/[^\\s]*$").search(path + " "), Pattern::kNoMatch);
}

TEST(Pattern, CatastrophicBacktrackingIsBounded) {
  std::string text(40, 'a');
  text += "!";
  EXPECT_EQ(compiled("^(a+)+$").search(text), Pattern::kTooComplex);
}

TEST(Pattern, InvalidExpressionSaysWhereAndWhy) {
  auto p = Pattern::compile("([a-z");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("at offset"), std::string::npos) << p.error().message;
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace pier::catalog
