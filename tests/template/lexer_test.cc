// Tests of lexer.cc: tokens, whitespace control, comments, raw blocks,
// newline handling and lexical errors. Expected outputs come from Python
// Jinja2 3.1 (see test_util.h).
#include "template/lexer.h"

#include <gtest/gtest.h>

#include "template/template_error.h"
#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(Lexer, WhitespaceControlMatchesJinja) {
  expect_cases({
    {R"j(a  {%- if t -%}  b  {%- endif -%}
  c)j", R"j(abc)j"},
    {R"j(x {{- 1 -}}
 y {# c #} z {#- c -#} w)j", R"j(x1y  zw)j"},
    {R"j(  a  
  {%- if t %}
    x
  {%- endif %}
  b)j", R"j(  a
    x
  b)j"},
    {R"j({% for u in users -%}
  - {{ u.name }}
{% endfor -%}
done)j", R"j(- bob
- Al
done)j"},
    {R"j({%- for u in users %}
  {{- u.name -}},
{%- endfor %})j", R"j(bob,Al,)j"},
    {R"j(a {#- comment -#}   b  {#+ c #} d)j", R"j(ab   d)j"},
    {R"j({{- ' a ' -}})j", R"j( a )j"},
    {R"j(a	{{- 'b' }})j", R"j(ab)j"},
    {R"j(a

{%- if t %}b{% endif %})j", R"j(ab)j"},
    {R"j({% if t +%}  x  {%+ endif %})j", R"j(  x  )j"},
    {R"j(  {{+ 'x' }})j", R"j(  x)j"},
    {R"j({% if t %}
yes
{% endif %}
)j", R"j(
yes
)j"},
    {R"j(a {{ 'b' -}}

	 c)j", R"j(a bc)j"},
  });
}

TEST(Lexer, CommentsAndRawBlocks) {
  expect_cases({
    {R"j({{ 'a' }}{#
multi
line #}{{ 'b' }})j", R"j(ab)j"},
    {R"j({# {{ not parsed }} {% if %} #}ok)j", R"j(ok)j"},
    {R"j({% raw %}{{ x }}{% endraw %})j", R"j({{ x }})j"},
    {R"j({% raw -%}   {{ x }}   {%- endraw %}|)j", R"j({{ x }}|)j"},
    {R"j({%- raw %}  {{ x }}  {% endraw -%}  |)j", R"j(  {{ x }}  |)j"},
    {R"j({% raw %}{% if %}{# #}{% endraw %})j", R"j({% if %}{# #})j"},
    {R"j(a{#-#}b)j", R"j(ab)j"},
  });
}

TEST(Lexer, Literals) {
  expect_cases({
    {R"j({{ 'it''s' }} {{ "a" 'b' }})j", R"j(its ab)j"},
    {R"j({{ 'a\tb\x41\u00e9\101\d' }})j", R"j(a	bAéA\d)j"},
    {R"j({{ "q\"q" }} {{ 'q\'q' }} {{ 'back\\slash' }})j", R"j(q"q q'q back\slash)j"},
    {R"j({{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 1.5e3 }} {{ 1e3 }} {{ 2E-2 }} {{ 0 }} {{ 00 }})j", R"j(31 15 5 1000 1500.0 1000.0 0.02 0 0)j"},
    {R"j({{ true }} {{ True }} {{ false }} {{ False }} {{ none }} {{ None }})j", R"j(True True False False None None)j"},
    {R"j({{ [] }} {{ [1, 'a', [2]] }} {{ {} }} {{ {'a': 1, 'b': [true, none]} }} {{ [1, 2,] }})j", R"j([] [1, 'a', [2]] {} {'a': 1, 'b': [True, None]} [1, 2])j"},
    {R"j({{ {'a': {'b': 1}}}})j", R"j({'a': {'b': 1}})j"},
    {R"j({{ d.b.0 }} {{ l.1 }})j", R"j(1 1)j"},
    {R"j({{ '{{' }} {{ '}}' }} {{ "%}" }})j", R"j({{ }} %})j"},
  });
}

TEST(Lexer, DropsOneTrailingNewlineLikeJinjaDefault) {
  EXPECT_EQ(render("x\n"), "x");
  EXPECT_EQ(render("x\n\n"), "x\n");
  EXPECT_EQ(render("x\n{{ 1 }}\ny\n\n"), "x\n1\ny\n");
  EXPECT_EQ(render("{% if t %}\nyes\n{% endif %}\n"), "\nyes\n");
  EXPECT_EQ(render(""), "");
  EXPECT_EQ(render("\n"), "");
}

TEST(Lexer, NormalizesLineBreaksToNewline) {
  // Jinja2 writes "\r\n" and "\r" in template text as "\n".
  EXPECT_EQ(render("line1\r\nline2\r\n"), "line1\nline2");
  EXPECT_EQ(render("a\rb\r"), "a\nb");
  EXPECT_EQ(render("{{ 'a\r\nb' }}"), "a\nb");
  // Line breaks that come from values are not touched.
  EXPECT_EQ(render("{{ s }}", {{"s", "a\r\nb"}}), "a\r\nb");
  EXPECT_EQ(detail::normalize_newlines("a\r\nb\rc\n"), "a\nb\nc");
}

TEST(Lexer, TokenKindsAndValues) {
  const std::string src = "{{ a.b | f(1, 2.5, 'x') }}";
  auto tokens = detail::tokenize(src);
  ASSERT_EQ(tokens.size(), 15u);
  EXPECT_EQ(tokens[0].kind, detail::Tok::kVarBegin);
  EXPECT_EQ(tokens[1].kind, detail::Tok::kName);
  EXPECT_EQ(tokens[1].text, "a");
  EXPECT_EQ(tokens[2].text, ".");
  EXPECT_EQ(tokens[4].text, "|");
  EXPECT_EQ(tokens[7].kind, detail::Tok::kInteger);
  EXPECT_EQ(tokens[7].int_value, 1);
  EXPECT_EQ(tokens[9].kind, detail::Tok::kFloat);
  EXPECT_DOUBLE_EQ(tokens[9].float_value, 2.5);
  EXPECT_EQ(tokens[11].kind, detail::Tok::kString);
  EXPECT_EQ(tokens[11].string_value, "x");
  EXPECT_EQ(tokens[11].offset, 19u);
  EXPECT_EQ(tokens[13].kind, detail::Tok::kVarEnd);
  EXPECT_EQ(tokens[14].kind, detail::Tok::kEnd);
}

TEST(Lexer, IntegerAfterDotIsNotAFloat) {
  // `a.0.1` is a[0][1], as in Jinja2 (a float cannot start after a dot).
  EXPECT_EQ(render("{{ x.0.1 }}", {{"x", {{1, 2}, {3, 4}}}}), "2");
}

TEST(Lexer, BracesInsideExpressionsDoNotEndTheTag) {
  EXPECT_EQ(render("{{ {'a': {'b': 1}}}}"), "{'a': {'b': 1}}");
  EXPECT_EQ(render("{% if {'a': 1} %}yes{% endif %}"), "yes");
}

TEST(Lexer, Errors) {
  EXPECT_EQ(error_of("{{ 'abc }}"), "t.j2:1:4: string literal is never closed");
  EXPECT_EQ(error_of("ab\n  {{ 1 @ 2 }}"), "t.j2:2:8: unexpected character '@'");
  EXPECT_EQ(error_of("{{ [1,2] ]] }}"), "t.j2:1:10: unexpected ']'");
  EXPECT_EQ(error_of("{{ (1 }}"), "t.j2:1:7: unexpected '}', expected ')'");
  EXPECT_EQ(error_of("x {# never closed"), "t.j2:1:3: comment is never closed: expected '#}'");
  EXPECT_EQ(error_of("{% raw %}x"), "t.j2:1:1: '{% raw %}' is never closed: expected '{% endraw %}'");
  EXPECT_EQ(error_of("{{ 99999999999999999999 }}"), "t.j2:1:4: integer literal is too large (integers are limited to 64 bits)");
  EXPECT_EQ(error_of("{{ '\\x4' }}"), "t.j2:1:4: truncated \\x escape in string literal");
  EXPECT_EQ(error_of("{{ '\\ud800' }}"), "t.j2:1:4: invalid code point in \\u escape in string literal");
  EXPECT_EQ(error_of("{{ '\\N{DASH}' }}"), "t.j2:1:4: named escapes (\\N{...}) are not supported in string literals");
  EXPECT_EQ(error_of("{{ é }}"), "t.j2:1:4: unexpected character 'é'");
}

TEST(Lexer, ColumnsCountCodePoints) {
  EXPECT_EQ(error_of("éé {{ 1 @ }}"), "t.j2:1:9: unexpected character '@'");
}

}  // namespace
}  // namespace pier::tmpl
