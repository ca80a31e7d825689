// Tests of calls.cc: range(), dict(), namespace(), and the string, dict
// and list methods. Expected outputs come from Python Jinja2 3.1.
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(Calls, MethodsAndGlobals) {
  expect_cases({
    {R"j({{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'abc'.startswith('ab') }} {{ 'ABC'.lower() }} {{ ' x '.strip() }} {{ 'aXa'.replace('a', 'b') }} {{ ', '.join(['a', 'b']) }})j", R"j(['a', 'b', '', 'c'] ['a', 'b'] True abc x bXb a, b)j"},
    {R"j({{ d.get('a') }} {{ d.get('zz') }} {{ d.get('zz', 7) }} {{ d.get('n', 3) }})j", R"j(1 None 7 None)j"},
    {R"j({{ d.keys() | list }} {{ users[0].values() | list }})j", R"j(['a', 'b', 'f', 'n', 's'] [30, 'bob', True])j"},
    {R"j({{ range(1, 10, 3) | list }} {{ range(3) | list }} {{ dict(a=1, b='x') }} {{ range(0) | list }} {{ range(5, 2) | list }} {{ range(-3) | list }})j", R"j([1, 4, 7] [0, 1, 2] {'a': 1, 'b': 'x'} [] [] [])j"},
    {R"j({{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  x '.lstrip() }}|{{ ' x  '.rstrip() }}|)j", R"j(x|hi|x | x|)j"},
    {R"j({{ 'a-b-c'.split('-', 1) }} {{ 'a-b-c'.rsplit('-', 1) }} {{ 'abc'.find('c') }} {{ 'abcabc'.count('b') }} {{ 'x'.join(['a','b']) }} {{ 'a b c'.split(none, 1) }})j", R"j(['a', 'b-c'] ['a-b', 'c'] 2 2 axb ['a', 'b c'])j"},
    {R"j({{ 'abc'.endswith('bc') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'ab\ncd'.splitlines() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ 'abc'.upper() }})j", R"j(True True ['ab', 'cd'] Hello World Hello ABC)j"},
    {R"j({{ [1, 2, 3].index(2) }} {{ [1, 2, 2].count(2) }} {{ ('a' ~ 'b').upper() }} {{ 'héllo'.find('l') }})j", R"j(1 2 AB 2)j"},
    {R"j({% set ns = namespace() %}{% set ns.x = 1 %}{{ ns.x }} {{ namespace(a=1, b=[2]).b }})j", R"j(1 [2])j"},
  });
}

TEST(Calls, RangeIsAList) {
  // Jinja2 prints range(0, 3); ranges are lists here.
  EXPECT_EQ(render("{{ range(3) }} {{ d.keys() }}"), "[0, 1, 2] ['a', 'b', 'f', 'n', 's']");
}

TEST(Calls, Errors) {
  EXPECT_EQ(error_of("{{ missing() }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing.f() }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ n() }}"), "t.j2:1:4: 'int' object is not callable");
  EXPECT_EQ(error_of("{{ d.a() }}"), "t.j2:1:6: 'int' object is not callable");
  EXPECT_EQ(error_of("{{ d.zz() }}"), "t.j2:1:6: 'd.zz' is undefined ('dict object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ 'a'.nosuch() }}"), "t.j2:1:8: 'str object' has no attribute 'nosuch'");
  EXPECT_EQ(error_of("{{ 'a'.zfill(3) }}"), "t.j2:1:8: the string method 'zfill' is not supported");
  EXPECT_EQ(error_of("{{ d.pop('a') }}"), "t.j2:1:6: the dict method 'pop' is not supported");
  EXPECT_EQ(error_of("{{ l.append(1) }}"), "t.j2:1:6: the list method 'append' is not supported");
  EXPECT_EQ(error_of("{{ d.keys(1) }}"), "t.j2:1:6: dict.keys() takes no arguments (1 given)");
  EXPECT_EQ(error_of("{{ 'a'.split(1) }}"), "t.j2:1:8: str.split() argument 'sep' must be str, not int");
  EXPECT_EQ(error_of("{{ 'a'.split('') }}"), "t.j2:1:8: empty separator");
  EXPECT_EQ(error_of("{{ 'a'.replace('a') }}"), "t.j2:1:8: str.replace() missing required argument 'new'");
  EXPECT_EQ(error_of("{{ 'a'.strip(x=1) }}"), "t.j2:1:8: str.strip() got an unexpected keyword argument 'x'");
  EXPECT_EQ(error_of("{{ ','.join([1]) }}"), "t.j2:1:8: sequence item 0: expected str instance, int found");
  EXPECT_EQ(error_of("{{ [1].index(5) }}"), "t.j2:1:8: 5 is not in list");
  EXPECT_EQ(error_of("{{ range(1, 2, 0) }}"), "t.j2:1:4: range() arg 3 must not be zero");
  EXPECT_EQ(error_of("{{ range('a') }}"), "t.j2:1:4: 'str' object cannot be interpreted as an integer in range()");
  EXPECT_EQ(error_of("{{ range() }}"), "t.j2:1:4: range expected 1 to 3 arguments, got 0");
  EXPECT_EQ(error_of("{{ dict(1, 2) }}"), "t.j2:1:4: dict() takes at most 1 positional argument");
  EXPECT_EQ(error_of("{{ foo(1) }}"), "t.j2:1:4: 'foo' is undefined");
}

TEST(Calls, DictFromPairs) {
  EXPECT_EQ(render("{{ dict([['a', 1], ['b', 2]]) }} {{ dict(d, z=0) | length }}"), "{'a': 1, 'b': 2} 6");
}

}  // namespace
}  // namespace pier::tmpl
