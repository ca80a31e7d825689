// Tests of text_ops.cc: Python string operations. Expected strings are
// what Python 3.11 prints.
#include "template/text_ops.h"

#include <gtest/gtest.h>

namespace pier::tmpl::detail {
namespace {

TEST(TextOps, Replace) {
  EXPECT_EQ(py_replace("aaa", "a", "b", 2), "bba");
  EXPECT_EQ(py_replace("abc", "", "-"), "-a-b-c-");
  EXPECT_EQ(py_replace("abc", "", "-", 2), "-a-bc");
  EXPECT_EQ(py_replace("", "", "x"), "x");
  EXPECT_EQ(py_replace("héé", "", "|"), "|h|é|é|");
  EXPECT_EQ(py_replace("abc", "x", "y"), "abc");
}

TEST(TextOps, TitleAndCapitalize) {
  EXPECT_EQ(py_title("hello world-foo(bar [x]<y>{z}"), "Hello World-Foo(Bar [X]<Y>{Z}");
  EXPECT_EQ(py_title("hELLO"), "Hello");
  EXPECT_EQ(py_capitalize("hELLO wORLD"), "Hello world");
  EXPECT_EQ(py_capitalize(""), "");
}

TEST(TextOps, SplitCountFind) {
  EXPECT_EQ(py_split("a,b,,c", ","), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(py_split("a-b-c", "-", 1), (std::vector<std::string>{"a", "b-c"}));
  EXPECT_EQ(py_count("abcabc", "b"), 2);
  EXPECT_EQ(py_count("aaa", "aa"), 1);
  EXPECT_EQ(py_count("ab", ""), 3);
  EXPECT_EQ(py_find("héllo", "l"), 2);
  EXPECT_EQ(py_find("abc", "z"), -1);
}

}  // namespace
}  // namespace pier::tmpl::detail
