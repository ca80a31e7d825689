// Tests of eval_expr.cc: operators and their precedence, literals,
// conditional expressions, `~`, `%` formatting, and the errors of each.
// Expected outputs come from Python Jinja2 3.1 (see test_util.h).
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(EvalExpr, PrecedenceMatchesJinja) {
  expect_cases({
    {R"j({{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ -1 | abs }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 10 - 2 - 3 }} {{ 2 * 3 ~ 4 }} {{ 1 ~ 2 * 3 }} {{ (1 ~ 2) | int + 3 }})j", R"j(64 4 1 14 20 5 64 16 15)j"},
    {R"j({{ not 1 == 2 }} {{ not t and nn }} {{ 1 or 0 and 0 }} {{ 'a' ~ 'b' | upper }} {{ 1 in [1] == true }})j", R"j(True False 1 aB False)j"},
    {R"j({{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 == true }} {{ 1 < 2 > 0 }})j", R"j(True False True True)j"},
    {R"j({{ - - 3 }} {{ +3 }} {{ -f }} {{ not not t }})j", R"j(3 3 -2.5 True)j"},
    {R"j({{ 'x' if t else 'y' }} {{ 'a' if false else 'b' if false else 'c' }} {{ 1 if nn is none }})j", R"j(x c 1)j"},
    {R"j({{ n * 2 if n > 3 else 0 }} {{ (1, 2)[1] }} {{ [1, 2][0] + 1 }})j", R"j(10 2 2)j"},
  });
}

TEST(EvalExpr, ArithmeticHasPythonSemantics) {
  expect_cases({
    {R"j({{ 10 / 4 }} {{ 10 // 4 }} {{ -10 // 4 }} {{ 10 % -3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -2 }} {{ 1.5 * 2 }} {{ 7.0 // 2 }} {{ -7.0 % 2.5 }} {{ 4 / 2 }})j", R"j(2.5 2 -3 -2 2 1024 0.25 3.0 3.0 0.5 2.0)j"},
    {R"j({{ 7 // -2 }} {{ 7 % -2 }} {{ -7.5 // 2 }} {{ -7.5 % 2 }} {{ 7 / 2 }} {{ 2 ** 0.5 }} {{ 10 // 3.0 }})j", R"j(-4 -1 -4.0 0.5 3.5 1.4142135623730951 3.0)j"},
    {R"j({{ 'ab' * 3 }} {{ 3 * 'ab' }} {{ [1] * 2 }} {{ [1] + [2] }} {{ 'a' + 'b' }} {{ 'a' * -1 }}|{{ [1] * 0 }}|{{ 'a' * true }})j", R"j(ababab ababab [1, 1] [1, 2] ab |[]|a)j"},
    {R"j({{ true + 1 }} {{ true == 1 }} {{ 1 == 1.0 }} {{ 1 + 1.0 }} {{ 3 * 1.5 }} {{ n - f }})j", R"j(2 True True 2.0 4.5 2.5)j"},
    {R"j({{ 1.5e300 * 1e10 }} {{ -1.5e300 * 1e10 }} {{ 0.1 + 0.2 }})j", R"j(inf -inf 0.30000000000000004)j"},
    {R"j({{ 9007199254740993 }} {{ 9223372036854775807 }} {{ -9223372036854775807 - 1 }})j", R"j(9007199254740993 9223372036854775807 -9223372036854775808)j"},
  });
}

TEST(EvalExpr, ComparisonAndLogic) {
  expect_cases({
    {R"j({{ 1 < 2.5 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ none == none }} {{ [1] == [1.0] }} {{ {'a': 1} == {'a': true} }} {{ 'a' == 1 }} {{ 'b' < 'ab' }} {{ [1] < [1, 0] }})j", R"j(True True True True True True False False True)j"},
    {R"j({{ 'a' in 'abc' }} {{ 1 in [1, 2] }} {{ 'a' in {'a': 1} }} {{ 1 in {'a': 1} }} {{ 'z' not in 'abc' }} {{ ['a'] in [['a']] }} {{ 3 not in l }})j", R"j(True True True False True True False)j"},
    {R"j({{ true and 'x' }} {{ 0 or 'y' }} {{ 0 and missing }} {{ 1 or missing }} {{ '' or [] }} {{ 1 and 2 and 3 }} {{ 0 or '' or 'last' }} {{ nn or 'x' }} {{ t and nn }})j", R"j(x y 0 1 [] 3 last x None)j"},
    {R"j({{ 1 != 2 }} {{ 2 >= 2 }} {{ 3 <= 2 }} {{ 'b' > 'a' }} {{ [] == [] }} {{ {} != {} }})j", R"j(True True False True True False)j"},
  });
}

TEST(EvalExpr, ConcatAndPrintingUsePythonStr) {
  expect_cases({
    {R"j({{ s ~ 1 ~ none ~ 1.0 ~ [1] }} {{ 'a' ~ [1, 'b'] }} {{ t ~ nn }})j", R"j(Hello1None1.0[1] a[1, 'b'] TrueNone)j"},
    {R"j({{ none }} {{ true }} {{ [none] }} {{ d }} {{ users[0] }})j", R"j(None True [None] {'a': 1, 'b': [1, 2], 'f': 1.5, 'n': None, 's': 'x'} {'age': 30, 'name': 'bob', 'on': True})j"},
    {R"j({{ "x'y" }}{{ ["x'y", 'x"y', "x'\"y", "a\\b", "\n\t\x01\x7f\xa0é\u200b"] }})j", R"j(x'y["x'y", 'x"y', 'x\'"y', 'a\\b', '\n\t\x01\x7f\xa0é\u200b'])j"},
    {R"j({{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1.5e16 }} {{ 1e100 }} {{ 12345678901234567.0 }} {{ -0.0 }})j", R"j(1e+16 1000000000000000.0 0.0001 1e-05 1.5e+16 1e+100 1.2345678901234568e+16 -0.0)j"},
    {R"j({{ 0.1 }} {{ 1/3 }} {{ 2/3 }} {{ 1e22 }} {{ 1e-7 }} {{ 123456789.123 }} {{ 100.0 }} {{ 1.5e-300 }} {{ 5e-324 }} {{ 1.7976931348623157e308 }})j", R"j(0.1 0.3333333333333333 0.6666666666666666 1e+22 1e-07 123456789.123 100.0 1.5e-300 5e-324 1.7976931348623157e+308)j"},
    {R"j({{ 3.0 }} {{ -1.5 }} {{ 1e15 + 0.3 }} {{ 0.000123 }} {{ 9999999999999998.0 }} {{ [1.0, 2.5e-5] }})j", R"j(3.0 -1.5 1000000000000000.2 0.000123 9999999999999998.0 [1.0, 2.5e-05])j"},
  });
}

TEST(EvalExpr, PercentFormatting) {
  expect_cases({
    {R"j({{ "%s is %d years" % (users[0].name, users[0].age) }})j", R"j(bob is 30 years)j"},
    {R"j({{ "%-5s|%5s|%05d|%.2f|%x|%o|%e|%r" % ("ab", "cd", 42, 3.14159, 255, 8, 1234.5, "q") }})j", R"j(ab   |   cd|00042|3.14|ff|10|1.234500e+03|'q')j"},
    {R"j({{ "%s" % [1, 2] }} {{ "%s" % none }} {{ "%(a)s-%(s)s" % d }} {{ '100%%' % () }})j", R"j([1, 2] None 1-x 100%)j"},
    {R"j({{ '%+d %+.1f % d %X %#x %#o %c %i %g %G %E' % (5, 2.25, 3, 255, 255, 8, 65, 7.9, 0.00001, 1e20, 12.5) }})j", R"j(+5 +2.2  3 FF 0xff 0o10 A 7 1e-05 1E+20 1.250000E+01)j"},
    {R"j({{ '%.3s|%5.1s|%-6.2f|%3d' % ('abcdef', 'xyz', 2.5, -4) }})j", R"j(abc|    x|2.50  | -4)j"},
  });
}

TEST(EvalExpr, InlineIfWithoutElseIsLenientUndefined) {
  // Like Jinja2, the missing else branch gives an Undefined that prints as
  // "" and is falsy, even with StrictUndefined; arithmetic on it fails.
  EXPECT_EQ(render("[{{ 'x' if nn }}]"), "[]");
  EXPECT_EQ(render("{% if ('x' if nn) %}y{% else %}n{% endif %}"), "n");
  EXPECT_EQ(render("{{ ('x' if nn) == ('y' if nn) }}"), "True");
  EXPECT_EQ(error_of("{{ (d.a if nn) + 1 }}"),
            "t.j2:1:9: the inline if-expression on line 1 evaluated to false and no else section was defined.");
  EXPECT_EQ(error_of("\n{{ (d.a if nn).x }}"),
            "t.j2:2:9: the inline if-expression on line 2 evaluated to false and no else section was defined.");
}

TEST(EvalExpr, TuplesAreLists) {
  // Jinja2 would print (1, 2); tuples are JSON arrays here.
  EXPECT_EQ(render("{{ (1, 2) }} {{ 1, 2 }} {% set t = 1, 'a' %}{{ t }} {{ () }}"), "[1, 2] [1, 2] [1, 'a'] []");
}

TEST(EvalExpr, DictLiteralsHaveSortedKeys) {
  // Jinja2 keeps insertion order; our objects are sorted maps.
  EXPECT_EQ(render("{{ {'b': 1, 'a': 2} }} {{ {'b': 1, 'a': 2} | list }}"), "{'a': 2, 'b': 1} ['a', 'b']");
  EXPECT_EQ(render("{% set k = 'x' %}{{ {k: 1, 'y': [k]} }}"), "{'x': 1, 'y': ['x']}");
}

TEST(EvalExpr, TypeErrorsPointAtTheOperator) {
  EXPECT_EQ(error_of("{{ 1 + 2 | string }}"), "t.j2:1:6: unsupported operand type(s) for +: 'int' and 'str'");
  EXPECT_EQ(error_of("{{ 'a' + 1 }}"), "t.j2:1:8: can only concatenate str (not \"int\") to str");
  EXPECT_EQ(error_of("{{ [1] + 'a' }}"), "t.j2:1:8: can only concatenate list (not \"str\") to list");
  EXPECT_EQ(error_of("{{ {'a': 1} + {'b': 2} }}"), "t.j2:1:13: unsupported operand type(s) for +: 'dict' and 'dict'");
  EXPECT_EQ(error_of("{{ 'a' * 1.5 }}"), "t.j2:1:8: can't multiply sequence by non-int of type 'float'");
  EXPECT_EQ(error_of("{{ - 'a' }}"), "t.j2:1:4: bad operand type for unary -: 'str'");
  EXPECT_EQ(error_of("{{ 'a' < 1 }}"), "t.j2:1:8: '<' not supported between instances of 'str' and 'int'");
  EXPECT_EQ(error_of("{{ none < 1 }}"), "t.j2:1:9: '<' not supported between instances of 'NoneType' and 'int'");
  EXPECT_EQ(error_of("{{ {} < {} }}"), "t.j2:1:7: '<' not supported between instances of 'dict' and 'dict'");
  EXPECT_EQ(error_of("{{ 1 < 2 < 'x' }}"), "t.j2:1:10: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(error_of("{{ [1] in {'a': 1} }}"), "t.j2:1:8: unhashable type: 'list'");
  EXPECT_EQ(error_of("{{ 1 in 5 }}"), "t.j2:1:6: argument of type 'int' is not iterable");
  EXPECT_EQ(error_of("{{ 1 in 'abc' }}"), "t.j2:1:6: 'in <string>' requires string as left operand, not int");
}

TEST(EvalExpr, DivisionByZero) {
  EXPECT_EQ(error_of("{{ 1 / 0 }}"), "t.j2:1:6: division by zero");
  EXPECT_EQ(error_of("{{ 5.0 / 0 }}"), "t.j2:1:8: float division by zero");
  EXPECT_EQ(error_of("{{ 5 // 0 }}"), "t.j2:1:6: integer division or modulo by zero");
  EXPECT_EQ(error_of("{{ 5 % 0 }}"), "t.j2:1:6: integer modulo by zero");
  EXPECT_EQ(error_of("{{ 5.0 // 0 }}"), "t.j2:1:8: float floor division by zero");
  EXPECT_EQ(error_of("{{ 5 % 0.0 }}"), "t.j2:1:6: float modulo by zero");
  EXPECT_EQ(error_of("{{ 0 ** -1 }}"), "t.j2:1:6: 0.0 cannot be raised to a negative power");
}

TEST(EvalExpr, IntegersAreLimitedTo64Bits) {
  // Python has unbounded integers; here overflow is an error, not a wrong number.
  EXPECT_EQ(render("{{ 9223372036854775807 }} {{ -9223372036854775807 - 1 }}"), "9223372036854775807 -9223372036854775808");
  EXPECT_EQ(error_of("{{ 9223372036854775807 + 1 }}"), "t.j2:1:24: integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of("{{ 2 ** 64 }}"), "t.j2:1:6: integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of("{{ 3037000500 * 3037000500 }}"), "t.j2:1:15: integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of("{{ (-8) ** 0.5 }}"),
            "t.j2:1:9: a negative number raised to a fractional power is complex; complex numbers are not supported");
  EXPECT_EQ(error_of("{{ 2.0 ** 10000 }}"), "t.j2:1:8: numerical result out of range");
}

TEST(EvalExpr, PercentFormattingErrors) {
  EXPECT_EQ(error_of("{{ \"%d\" % \"x\" }}"), "t.j2:1:9: %d format: a real number is required, not str");
  EXPECT_EQ(error_of("{{ \"%s %s\" % (1,) }}"), "t.j2:1:12: not enough arguments for format string");
  EXPECT_EQ(error_of("{{ \"a\" % 1 }}"), "t.j2:1:8: not all arguments converted during string formatting");
  EXPECT_EQ(error_of("{{ \"%z\" % 1 }}"), "t.j2:1:9: unsupported format character 'z' at index 1");
  EXPECT_EQ(error_of("{{ \"%(a)s\" % 1 }}"), "t.j2:1:12: format requires a mapping");
}

TEST(EvalExpr, UndefinedIsAnErrorWhereverItIsUsed) {
  EXPECT_EQ(error_of("{{ missing ~ 'x' }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 'x' ~ missing.b }}"), "t.j2:1:10: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing + 1 }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 1 < missing }}"), "t.j2:1:8: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing == 1 }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 'a' in missing }}"), "t.j2:1:11: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing in [1] }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ not missing }}"), "t.j2:1:8: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing and 1 }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 1 if missing else 2 }}"), "t.j2:1:9: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ -missing }}"), "t.j2:1:5: 'missing' is undefined");
  // Undefined values cannot be stored inside lists or dicts either
  // (Jinja2 would store the Undefined object).
  EXPECT_EQ(error_of("{{ [missing] }}"), "t.j2:1:5: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ {'a': missing} }}"), "t.j2:1:10: 'missing' is undefined");
  // Short-circuiting never looks at the other side.
  EXPECT_EQ(render("{{ 0 and missing }} {{ 1 or missing }} {{ missing is defined and missing }}"), "0 1 False");
}

TEST(EvalExpr, DictKeysMustBeStrings) {
  EXPECT_EQ(error_of("{{ {1: 2} }}"), "t.j2:1:5: dict keys must be strings (JSON objects have string keys)");
  EXPECT_EQ(error_of("{{ {n: 2} }}"), "t.j2:1:5: dict keys must be strings (JSON objects have string keys)");
}

TEST(EvalExpr, SequenceRepetitionIsBounded) {
  EXPECT_EQ(error_of("{{ 'x' * 100000000 }}"), "t.j2:1:8: result of '*' would have more than 1000000 characters");
  EXPECT_EQ(error_of("{{ [1, 2] * 600000 }}"), "t.j2:1:11: result of '*' would have more than 1000000 items");
  EXPECT_EQ(render("{{ ('ab' * 3) | length }}"), "6");
  // An empty sequence repeated a huge number of times is empty, at once (found by fuzzing).
  EXPECT_EQ(render("[{{ '' * 211111111111111114 }}{{ [] * 9223372036854775807 }}]"), "[[]]");
}

}  // namespace
}  // namespace pier::tmpl
