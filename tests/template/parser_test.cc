// Tests of parser.cc and parser_expr.cc: compile errors (with the position
// of the offending token and what was expected), argument binding of
// filters and tests, nesting limits and single-expression detection.
#include "template/parser.h"

#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::render;

std::string compile_error(std::string_view source) {
  auto t = Template::compile(source, "templates/svc.yaml.j2");
  return t ? "compiled" : t.error().message;
}

TEST(Parser, ExpressionErrorsNameTheTokenAndWhatWasExpected) {
  EXPECT_EQ(compile_error("a\nb\nc\n  name: {{ x foo }}"), "templates/svc.yaml.j2:4:14: expected '}}' after expression, found 'foo'");
  EXPECT_EQ(compile_error("{{ }}"), "templates/svc.yaml.j2:1:4: expected an expression, found '}}'");
  EXPECT_EQ(compile_error("{{ foo"), "templates/svc.yaml.j2:1:7: expected '}}' after expression, found end of template");
  EXPECT_EQ(compile_error("{{ 1 + }}"), "templates/svc.yaml.j2:1:8: expected an expression, found '}}'");
  EXPECT_EQ(compile_error("{{ f(1 }}"), "templates/svc.yaml.j2:1:8: unexpected '}', expected ')'");
  EXPECT_EQ(compile_error("{{ f(1 2) }}"), "templates/svc.yaml.j2:1:8: expected ',' or ')' between arguments, found '2'");
  EXPECT_EQ(compile_error("{{ [1 2] }}"), "templates/svc.yaml.j2:1:7: expected ',' or ']' in the list, found '2'");
  EXPECT_EQ(compile_error("{{ {'a' 1} }}"), "templates/svc.yaml.j2:1:9: expected ':' after the dict key, found '1'");
  EXPECT_EQ(compile_error("{{ a. }}"), "templates/svc.yaml.j2:1:7: expected an attribute name after '.', found '}}'");
  EXPECT_EQ(compile_error("{{ a[1, 2] }}"), "templates/svc.yaml.j2:1:7: subscripts with several keys are not supported");
  EXPECT_EQ(compile_error("{{ f(a=1, 2) }}"), "templates/svc.yaml.j2:1:11: positional argument after keyword argument");
  EXPECT_EQ(compile_error("{{ f(*a) }}"), "templates/svc.yaml.j2:1:6: *args and **kwargs are not supported");
  EXPECT_EQ(compile_error("{{ x | }}"), "templates/svc.yaml.j2:1:8: expected a filter name after '|', found '}}'");
  EXPECT_EQ(compile_error("{{ x is }}"), "templates/svc.yaml.j2:1:9: expected a test name after 'is', found '}}'");
  EXPECT_EQ(compile_error("{{ 'a' }} {{ 'b' 'c' d }}"), "templates/svc.yaml.j2:1:22: expected '}}' after expression, found 'd'");
}

TEST(Parser, UnknownFiltersAndTestsAreCompileErrors) {
  EXPECT_EQ(compile_error("{{ x | nosuchfilter }}"), "templates/svc.yaml.j2:1:8: unknown filter 'nosuchfilter'");
  EXPECT_EQ(compile_error("{{ x is nosuchtest }}"), "templates/svc.yaml.j2:1:9: unknown test 'nosuchtest'");
  EXPECT_EQ(compile_error("{% if false %}{{ x | regex_replace('a', 'b') }}{% endif %}"),
            "templates/svc.yaml.j2:1:22: unknown filter 'regex_replace'");
}

TEST(Parser, FilterArgumentsAreCheckedAtCompileTime) {
  EXPECT_EQ(compile_error("{{ 'abc' | replace('b') }}"), "templates/svc.yaml.j2:1:12: filter 'replace' needs the argument 'new'");
  EXPECT_EQ(compile_error("{{ 'abc' | replace('b', 'x', 1, 2) }}"),
            "templates/svc.yaml.j2:1:12: filter 'replace' takes at most 3 arguments (4 given)");
  EXPECT_EQ(compile_error("{{ 'abc' | indent(foo=1) }}"),
            "templates/svc.yaml.j2:1:19: filter 'indent' has no parameter 'foo' (parameters: width, first, blank)");
  EXPECT_EQ(compile_error("{{ 'abc' | indent(2, width=4) }}"), "templates/svc.yaml.j2:1:22: filter 'indent' got two values for 'width'");
  EXPECT_EQ(compile_error("{{ 'abc' | upper(1) }}"), "templates/svc.yaml.j2:1:12: filter 'upper' takes no arguments");
  EXPECT_EQ(compile_error("{{ 'abc' | trim('a', 'b') }}"), "templates/svc.yaml.j2:1:12: filter 'trim' takes at most 1 argument (2 given)");
  EXPECT_EQ(compile_error("{{ x | ternary(1) }}"), "templates/svc.yaml.j2:1:8: filter 'ternary' needs the argument 'false_val'");
}

TEST(Parser, KeywordArguments) {
  EXPECT_EQ(render("{{ 'a\nb' | indent(4, first=true) }}|{{ 'a\nb' | indent(first=true, width=1) }}"), "    a\n    b| a\n b");
  EXPECT_EQ(render("{{ x | default(boolean=true, default_value='d') }}", {{"x", ""}}), "d");
}

TEST(Parser, BlockErrors) {
  EXPECT_EQ(compile_error("line\n  {% if true %}x"),
            "templates/svc.yaml.j2:2:3: '{% if %}' is never closed: expected '{% endif %}' before the end of the template");
  EXPECT_EQ(compile_error("{% for x in y %}{% if a %}{% else %}"),
            "templates/svc.yaml.j2:1:17: '{% if %}' is never closed: expected '{% endif %}' before the end of the template");
  EXPECT_EQ(compile_error("{% for x in y %}"),
            "templates/svc.yaml.j2:1:1: '{% for %}' is never closed: expected '{% endfor %}' before the end of the template");
  EXPECT_EQ(compile_error("{% set x %}"),
            "templates/svc.yaml.j2:1:1: '{% set %}' is never closed: expected '{% endset %}' before the end of the template");
  EXPECT_EQ(compile_error("{% if true %}x{% endfor %}"),
            "templates/svc.yaml.j2:1:18: unexpected '{% endfor %}': expected 'elif', 'else' or 'endif' to close the '{% if %}' opened at line 1, column 1");
  EXPECT_EQ(compile_error("{% for a in b %}{% else %}{% elif %}"),
            "templates/svc.yaml.j2:1:30: unexpected '{% elif %}': expected 'endfor' to close the '{% for %}' opened at line 1, column 1");
  EXPECT_EQ(compile_error("{% endif %}"), "templates/svc.yaml.j2:1:4: unexpected '{% endif %}': no block is open");
  EXPECT_EQ(compile_error("{% foo %}"), "templates/svc.yaml.j2:1:4: unknown statement 'foo' (statements: if, for, set, raw)");
  EXPECT_EQ(compile_error("{% macro m() %}{% endmacro %}"),
            "templates/svc.yaml.j2:1:4: '{% macro %}' is not supported (statements: if, for, set, raw)");
  EXPECT_EQ(compile_error("{% include 'x' %}"),
            "templates/svc.yaml.j2:1:4: '{% include %}' is not supported (statements: if, for, set, raw)");
  EXPECT_EQ(compile_error("{% %}"), "templates/svc.yaml.j2:1:4: expected a statement name after '{%', found '%}'");
  EXPECT_EQ(compile_error("{% if %}{% endif %}"), "templates/svc.yaml.j2:1:7: expected an expression, found '%}'");
  EXPECT_EQ(compile_error("{% if x y %}{% endif %}"), "templates/svc.yaml.j2:1:9: expected '%}' after the 'if' condition, found 'y'");
  EXPECT_EQ(compile_error("{% for x y %}{% endfor %}"),
            "templates/svc.yaml.j2:1:10: expected 'in' after the loop variable, found 'y'");
  EXPECT_EQ(compile_error("{% for 1 in y %}{% endfor %}"),
            "templates/svc.yaml.j2:1:8: expected a variable name after 'for', found '1'");
  EXPECT_EQ(compile_error("{% for x in y recursive %}{% endfor %}"), "templates/svc.yaml.j2:1:15: recursive for loops are not supported");
  EXPECT_EQ(compile_error("{% for loop in y %}{% endfor %}"),
            "templates/svc.yaml.j2:1:8: cannot use 'loop' as a for-loop variable: the name is taken by the loop object");
  EXPECT_EQ(compile_error("{% for i in [1] %}{% set loop = 3 %}{% endfor %}"),
            "templates/svc.yaml.j2:1:26: cannot assign to 'loop' inside a for loop");
  EXPECT_EQ(compile_error("{% set x = %}"), "templates/svc.yaml.j2:1:12: expected an expression, found '%}'");
  EXPECT_EQ(compile_error("{% set x y %}"), "templates/svc.yaml.j2:1:10: expected '=' or '%}' after the 'set' target, found 'y'");
  EXPECT_EQ(compile_error("{% set x | upper %}{% endset %}"), "templates/svc.yaml.j2:1:10: filters on '{% set %}' blocks are not supported");
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  const std::string parens = "{{ " + std::string(200, '(') + "1" + std::string(200, ')') + " }}";
  EXPECT_EQ(compile_error(parens), "templates/svc.yaml.j2:1:104: template is nested too deeply (more than 100 levels)");
  std::string blocks;
  for (int i = 0; i < 200; ++i) blocks += "{% if true %}";
  EXPECT_EQ(compile_error(blocks), "templates/svc.yaml.j2:1:1294: template is nested too deeply (more than 100 levels)");
  const std::string lists = "{{ " + std::string(300, '[') + std::string(300, ']') + " }}";
  EXPECT_NE(compile_error(lists).find("nested too deeply"), std::string::npos);
  std::string chain = "{{ x";
  for (int i = 0; i < 300; ++i) chain += " | upper";
  chain += " }}";
  EXPECT_NE(compile_error(chain).find("expression is nested too deeply (more than 250 levels)"), std::string::npos);
  std::string sum = "{{ 1";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  sum += " }}";
  EXPECT_NE(compile_error(sum).find("expression is nested too deeply"), std::string::npos);
  // Reasonable nesting is fine.
  EXPECT_EQ(render("{{ " + std::string(50, '(') + "1" + std::string(50, ')') + " }}"), "1");
  std::string ok_chain = "{{ 'x'";
  for (int i = 0; i < 100; ++i) ok_chain += " | upper";
  EXPECT_EQ(render(ok_chain + " }}"), "X");
}

TEST(Parser, SingleExpression) {
  auto single = [](std::string_view src) { return Template::compile(src, "t")->is_single_expression(); };
  EXPECT_TRUE(single("{{ x }}"));
  EXPECT_TRUE(single("  {{ x | default(1) }}\n"));
  EXPECT_TRUE(single("{{- x -}}"));
  EXPECT_FALSE(single("a{{ x }}"));
  EXPECT_FALSE(single("{{ x }}{{ y }}"));
  EXPECT_FALSE(single("{% if x %}{{ x }}{% endif %}"));
  EXPECT_FALSE(single("plain"));
  EXPECT_TRUE(single("{# c #}{{ x }}"));  // comments are not output
}

TEST(Parser, ConstantsAreFolded) {
  // Folded lists and negative numbers still behave like the expressions.
  EXPECT_EQ(render("{{ [1, -2, [3]] }} {{ -1.5 }} {{ {'a': [1]} }}"), "[1, -2, [3]] -1.5 {'a': [1]}");
  EXPECT_EQ(render("{{ -9223372036854775807 - 1 }}"), "-9223372036854775808");
}

}  // namespace
}  // namespace pier::tmpl
