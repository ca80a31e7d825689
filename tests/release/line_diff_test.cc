#include "release/line_diff.h"

#include <gtest/gtest.h>

#include <random>

namespace pier::release {
namespace {

std::vector<std::string_view> lines_of(const std::vector<std::string>& strings) {
  return {strings.begin(), strings.end()};
}

size_t lcs_length(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::vector<std::vector<size_t>> table(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
  return table[a.size()][b.size()];
}

size_t hunks(const std::string& text) {
  size_t count = 0;
  for (auto line : split_lines(text))
    if (line.starts_with("@@ ")) ++count;
  return count;
}

TEST(LineDiff, SplitsLinesWithoutAnEmptyLastOne) {
  EXPECT_EQ(split_lines("a\nb\n"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_lines("a\nb"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_lines("a\n\n"), (std::vector<std::string_view>{"a", ""}));
  EXPECT_TRUE(split_lines("").empty());
}

TEST(LineDiff, EqualTextsHaveNoDiff) { EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n"), ""); }

TEST(LineDiff, OneChangedLineWithThreeLinesOfContext) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(unified_diff(before, after, {.before_label = "live", .after_label = "new"}),
            "--- live\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(LineDiff, InsertionsAtEitherEndAndFromNothing) {
  EXPECT_EQ(unified_diff("a\n", "new\na\n"), "--- before\n+++ after\n@@ -1 +1,2 @@\n+new\n a\n");
  EXPECT_EQ(unified_diff("a\n", "a\nnew\n"), "--- before\n+++ after\n@@ -1 +1,2 @@\n a\n+new\n");
  EXPECT_EQ(unified_diff("", "x\ny\n"), "--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  EXPECT_EQ(unified_diff("x\ny\n", ""), "--- before\n+++ after\n@@ -1,2 +0,0 @@\n-x\n-y\n");
}

TEST(LineDiff, ChangesFarApartAreSeparateHunksAndNearOnesOne) {
  std::vector<std::string> base;
  for (int i = 1; i <= 20; ++i) base.push_back(std::to_string(i));
  auto join = [](const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  };
  auto far = base;
  far[1] = "two";
  far[17] = "eighteen";
  std::string text = unified_diff(join(base), join(far));
  EXPECT_EQ(hunks(text), 2u) << text;
  EXPECT_NE(text.find("@@ -1,5 +1,5 @@"), std::string::npos) << text;
  EXPECT_NE(text.find("@@ -15,6 +15,6 @@"), std::string::npos) << text;
  auto near = base;
  near[4] = "five";
  near[10] = "eleven";  // 5 unchanged lines between: within 2 x 3 of context
  text = unified_diff(join(base), join(near));
  EXPECT_EQ(hunks(text), 1u) << text;
  EXPECT_NE(text.find("@@ -2,13 +2,13 @@"), std::string::npos) << text;
}

TEST(LineDiff, AReplacementListsRemovalsBeforeInsertions) {
  std::vector<std::string> a = {"keep", "old1", "old2", "end"}, b = {"keep", "new1", "end"};
  auto edits = diff_lines(lines_of(a), lines_of(b));
  std::vector<LineEditOp> ops;
  for (const auto& e : edits) ops.push_back(e.op);
  EXPECT_EQ(ops, (std::vector<LineEditOp>{LineEditOp::kKeep, LineEditOp::kRemove, LineEditOp::kRemove,
                                          LineEditOp::kInsert, LineEditOp::kKeep}));
}

// Random small texts over a tiny alphabet: the script rebuilds both sides
// and is as short as the longest common subsequence allows.
TEST(LineDiff, EditScriptsAreCompleteAndShortest) {
  std::mt19937 random(42);
  const std::vector<std::string> alphabet = {"a", "b", "c", "d"};
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> a(random() % 12), b(random() % 12);
    for (auto& s : a) s = alphabet[random() % alphabet.size()];
    for (auto& s : b) s = alphabet[random() % alphabet.size()];
    auto la = lines_of(a), lb = lines_of(b);
    auto edits = diff_lines(la, lb);
    std::vector<std::string_view> rebuilt_a, rebuilt_b;
    size_t changes = 0;
    for (const auto& e : edits) {
      if (e.op != LineEditOp::kInsert) rebuilt_a.push_back(la[e.before]);
      if (e.op != LineEditOp::kRemove) rebuilt_b.push_back(lb[e.after]);
      if (e.op == LineEditOp::kKeep) ASSERT_EQ(la[e.before], lb[e.after]);
      else ++changes;
    }
    ASSERT_EQ(rebuilt_a, la) << "round " << round;
    ASSERT_EQ(rebuilt_b, lb) << "round " << round;
    ASSERT_EQ(changes, la.size() + lb.size() - 2 * lcs_length(la, lb)) << "round " << round;
  }
}

}  // namespace
}  // namespace pier::release
