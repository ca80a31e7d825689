// Tests of filters_text.cc. Expected outputs come from Python Jinja2 3.1
// and, for Ansible's filters (quote, b64encode, b64decode, split), from
// the Python functions Ansible uses (shlex.quote, base64, str.split).
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(FiltersText, MatchJinjaAndAnsible) {
  expect_cases({
    {R"j({{ 'hELLo' | lower }} {{ 'hello' | upper }} {{ 'hELLO wORLD' | capitalize }} {{ 'hello world-foo(bar' | title }} {{ none | lower }} {{ 1 | upper }} {{ none | string }})j", R"j(hello HELLO Hello world Hello World-Foo(Bar none 1 None)j"},
    {R"j({{ 'abc' | replace('b', 'X') }} {{ 'aaaa' | replace('a', 'b', 2) }} {{ 1234 | replace(2, 9) }} {{ 'aaa' | replace('a', 'b', count=1) }} {{ 'abc' | replace('', '-') }} {{ 'abc' | replace('', '-', 2) }})j", R"j(aXc bbaa 1934 baa -a-b-c- -a-bc)j"},
    {R"j({{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ "  x\n  y\t" | trim }}|{{ '--x--' | trim(chars='-') }}|)j", R"j(x|a|x
  y|x|)j"},
    {R"j({{ "line1\nline2\n\nline4" | indent }})j", R"j(line1
    line2

    line4)j"},
    {R"j({{ "line1\nline2\n\nline4" | indent(2, true) }})j", R"j(  line1
  line2

  line4)j"},
    {R"j({{ "a\n\nb\n" | indent(2, blank=true) }}|{{ "a\n  \nb" | indent(2) }}|{{ 'x' | indent(first=true) }}|{{ '' | indent(2, first=true) }}|{{ 'x' | indent('--', true) }})j", R"j(a
  
  b
  |a
    
  b|    x|  |--x)j"},
    {R"j({{ "a\nb" | indent(width=3, first=false, blank=false) }})j", R"j(a
   b)j"},
    {R"j({{ 'a' | center(5) }}|{{ 'ab' | center(5) }}|{{ 'abc' | center(2) }}|{{ u | center(15) }}|)j", R"j(  a  |  ab |abc|  héllo wörld  |)j"},
    {R"j({{ 'hello world' | quote }} {{ 'abc' | quote }} {{ '' | quote }} {{ "it's" | quote }} {{ none | quote }} {{ 5 | quote }} {{ 'a=b,c:d/e.f@g%h+i-j_k' | quote }} {{ '$HOME' | quote }})j", R"j('hello world' abc '' 'it'"'"'s' '' 5 a=b,c:d/e.f@g%h+i-j_k '$HOME')j"},
    {R"j({{ 42 | string }}{{ [1] | string }} {{ 1.0 | string }} {{ 'x' | string }} {{ d | string }})j", R"j(42[1] 1.0 x {'a': 1, 'b': [1, 2], 'f': 1.5, 'n': None, 's': 'x'})j"},
    {R"j({{ "%s" | format(5) }} {{ "%s-%s" | format('a', 'b') }} {{ '%05.1f' | format(3.14159) }})j", R"j(5 a-b 003.1)j"},
    {R"j({{ 'a b  c' | split }} {{ 'a,b' | split(',') }} {{ 'a,b,c' | split(',', 1) }})j", R"j(['a', 'b', 'c'] ['a', 'b'] ['a', 'b,c'])j"},
    {R"j({{ 'hello' | b64encode }} {{ 'aGVsbG8=' | b64decode }} {{ 'é' | b64encode }} {{ '' | b64encode }} {{ 'ab' | b64encode }} {{ 'abc' | b64encode }} {{ 5 | b64encode }})j", R"j(aGVsbG8= hello w6k=  YWI= YWJj NQ==)j"},
    {R"j({{ 'YQ==' | b64decode }} {{ 'Y Q = =' | b64decode }} {{ 'YQ==YQ==' | b64decode }} {{ 'YW=Jj' | b64decode }} {{ '!!YWJj' | b64decode }} {{ '' | b64decode }}|{{ 'w6k=' | b64decode }})j", R"j(a a a abc abc |é)j"},
  });
}

TEST(FiltersText, CaseChangesAreAsciiOnly) {
  // Python would also upper-case é and ö.
  EXPECT_EQ(render("{{ u | upper }} {{ u | title }}"), "HéLLO WöRLD Héllo Wörld");
}

TEST(FiltersText, IndentKeepsLinesAfterTheFirst) {
  EXPECT_EQ(render("{{ \"a\\r\\nb\" | indent(3) }}", nlohmann::json::object()), "a\n   b");
  EXPECT_EQ(render("x:\n  {{ v | indent(2) }}", {{"v", "a: 1\nb: 2\n"}}), "x:\n  a: 1\n  b: 2\n");
}

TEST(FiltersText, Errors) {
  EXPECT_EQ(error_of("{{ 5 | indent }}"), "t.j2:1:8: unsupported operand type(s) for +=: 'int' and 'str'");
  EXPECT_EQ(error_of("{{ 'x' | indent(1.5) }}"), "t.j2:1:10: can't multiply sequence by non-int of type 'float'");
  EXPECT_EQ(error_of("{{ 'x' | trim(1) }}"), "t.j2:1:10: strip arg must be None or str, not int");
  EXPECT_EQ(error_of("{{ 'Y' | b64decode }}"),
            "t.j2:1:10: invalid base64-encoded string: number of data characters (1) cannot be 1 more than a multiple of 4");
  EXPECT_EQ(error_of("{{ 'YQ' | b64decode }}"), "t.j2:1:11: invalid base64-encoded string: incorrect padding");
  EXPECT_EQ(error_of("{{ 'x' | b64encode('utf-16') }}"), "t.j2:1:10: only the utf-8 encoding is supported, not 'utf-16'");
  EXPECT_EQ(error_of("{{ missing | upper }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 'x' | replace('a', 'b', 'c') }}"), "t.j2:1:10: 'count' must be an integer, not str");
}

}  // namespace
}  // namespace pier::tmpl
