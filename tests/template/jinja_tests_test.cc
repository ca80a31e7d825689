// Tests of jinja_tests.cc (`x is <test>`). Expected outputs come from
// Python Jinja2 3.1.
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(JinjaTests, MatchJinja) {
  expect_cases({
    {R"j({{ 'abc' is string }} {{ 1 is number }} {{ true is number }} {{ true is integer }} {{ 1.0 is float }} {{ 1 is float }} {{ [] is sequence }} {{ 'a' is sequence }} {{ {} is sequence }} {{ {} is mapping }} {{ 1 is iterable }} {{ 'a' is iterable }})j", R"j(True True True False True False True True True True False True)j"},
    {R"j({{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ none is none }} {{ true is boolean }} {{ 1 is boolean }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 'a' is in 'abc' }} {{ 2.0 is even }} {{ 3.0 is odd }} {{ 2.5 is even }})j", R"j(True True True False True True False True True True True True False)j"},
    {R"j({{ x is defined }} {{ x is not defined }} {{ x is undefined }} {{ n is not none }} {{ d.zz is undefined }} {{ nn is none }} {{ d.n is none }} {{ t is true }} {{ t is false }} {{ false is false }} {{ 1 is true }})j", R"j(False True True True True True True True False True False)j"},
    {R"j({{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'aBC' is upper }} {{ '123' is lower }} {{ 'a1' is lower }})j", R"j(True True False False True)j"},
    {R"j({{ 3 is lt 4 }} {{ 3 is le 3 }} {{ 3 is ge 4 }} {{ 3 is ne 3 }} {{ 3 is eq 3.0 }} {{ 2 is in [1, 2] }} {{ 3 is lessthan 4 }} {{ 3 is greaterthan 4 }} {{ 'a' is equalto 'a' }})j", R"j(True True False False True True True False True)j"},
    {R"j({{ missing is none }} {{ missing is string }} {{ missing is sequence }} {{ missing is boolean }} {{ missing is number }} {{ missing is mapping }} {{ missing is integer }} {{ missing is float }})j", R"j(False False False False False False False False)j"},
    {R"j({{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'nope' is test }})j", R"j(True False True False)j"},
    {R"j({{ n is number and n > 3 }} {{ not n is even }} {{ n is not even }} {{ (n is even) or (n is odd) }})j", R"j(True True True True)j"},
  });
}

TEST(JinjaTests, UndefinedOnlyAcceptedWhereJinjaAcceptsIt) {
  EXPECT_EQ(error_of("{{ missing is iterable }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing is even }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing is eq 1 }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 1 is eq missing }}"), "t.j2:1:12: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing is in [1] }}"), "t.j2:1:4: 'missing' is undefined");
}

TEST(JinjaTests, Errors) {
  EXPECT_EQ(error_of("{{ 1 is divisibleby 0 }}"), "t.j2:1:9: integer modulo by zero");
  EXPECT_EQ(error_of("{{ 'a' is even }}"), "t.j2:1:11: not all arguments converted during string formatting");
  EXPECT_EQ(error_of("{{ 1 is divisibleby }}"), "t.j2:1:9: test 'divisibleby' needs the argument 'num'");
  EXPECT_EQ(error_of("{{ 1 is odd(2) }}"), "t.j2:1:9: test 'odd' takes no arguments");
  EXPECT_EQ(error_of("{{ 1 is defined is defined }}"), "t.j2:1:17: tests cannot be chained with 'is'");
}

}  // namespace
}  // namespace pier::tmpl
