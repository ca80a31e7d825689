// Tests of evaluator.cc: statements (if, for, set, set blocks,
// namespaces), loop variables, Jinja2's scoping, strict undefined in
// statements, and the limits on work. Expected outputs come from Python
// Jinja2 3.1 (see test_util.h).
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(Evaluator, Statements) {
  expect_cases({
    {R"j({% if t %}a{% elif n %}b{% else %}c{% endif %}{% if nn %}a{% elif n %}b{% else %}c{% endif %}{% if nn %}a{% elif 0 %}b{% else %}c{% endif %})j", R"j(abc)j"},
    {R"j({% if e %}x{% endif %}{% if ed %}y{% endif %}{% if '' %}z{% endif %}{% if 0.0 %}w{% endif %}|)j", R"j(|)j"},
    {R"j({% for i in [1,2,3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %})j", R"j(1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;)j"},
    {R"j({% for i in [1,2,3,4] if i is even %}{{ i }}{{ loop.index }}/{{ loop.length }}{{ loop.last }};{% else %}none{% endfor %})j", R"j(21/2False;42/2True;)j"},
    {R"j({% for i in [] %}x{% else %}empty{% endfor %} {% for i in [1] if false %}x{% else %}filtered{% endfor %})j", R"j(empty filtered)j"},
    {R"j({% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %})j", R"j(a=1;b=2;)j"},
    {R"j({% for k in d %}{{ k }};{% endfor %})j", R"j(a;b;f;n;s;)j"},
    {R"j({% for a in [1,2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }}|{% endfor %})j", R"j(1x11y21|2x12y22|)j"},
    {R"j({% for a in [1,2] %}{% set outer = loop %}{% for b in 'xy' %}{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %})j", R"j(11 12 21 22 )j"},
    {R"j({% for i in [1,2,3] %}{{ loop.cycle('a', 'b') }}{% endfor %})j", R"j(aba)j"},
    {R"j({% for i in [1,2,3] %}{{ loop.previtem is defined }}{{ loop.nextitem | default('-') }};{% endfor %})j", R"j(False2;True3;True-;)j"},
    {R"j({% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %} {% for x, y in ['ab', 'cd'] %}{{ y }}{{ x }}{% endfor %})j", R"j(37 badc)j"},
    {R"j({% for c in 'héllo' %}{{ c }}.{% endfor %})j", R"j(h.é.l.l.o.)j"},
    {R"j({% for i in range(5) if i is odd %}{{ loop.index }}:{{ i }} {% endfor %})j", R"j(1:1 2:3 )j"},
    {R"j({% for u in users %}{{ u.name }}{% if not loop.last %}, {% endif %}{% endfor %})j", R"j(bob, Al)j"},
    {R"j({% for i in range(10, 0, -3) %}{{ i }} {% endfor %})j", R"j(10 7 4 1 )j"},
    {R"j({% for i in (1, 2) %}{{ i }}{% endfor %}{% for i in 1, 2 %}{{ i }}{% endfor %})j", R"j(1212)j"},
  });
}

TEST(Evaluator, ScopingMatchesJinja) {
  expect_cases({
    {R"j({% set x = 0 %}{% for i in [1,2] %}[{{ x }}{% set x = i %}{{ x }}]{% endfor %}{{ x }})j", R"j([01][02]0)j"},
    {R"j({% if true %}{% set y = 3 %}{% endif %}{{ y }})j", R"j(3)j"},
    {R"j({% set i = 5 %}{% for i in [1,2] %}{% endfor %}{{ i }})j", R"j(5)j"},
    {R"j({% set a = 1 %}{% if true %}{% set a = 2 %}{% endif %}{{ a }})j", R"j(2)j"},
    {R"j({% set a = 1 %}{% for i in [1] %}{% set a = 2 %}{{ a }}{% endfor %}{{ a }})j", R"j(21)j"},
    {R"j({% set ns = namespace(c=0) %}{% for i in [1,2,3] %}{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }} {{ ns }})j", R"j(6 <Namespace {'c': 6}>)j"},
    {R"j({% set ns = namespace(items=[]) %}{% for i in [1,2] %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }})j", R"j([1, 2])j"},
    {R"j({% set x = [1, 2] %}{% set y = x %}{% set x = 5 %}{{ y }})j", R"j([1, 2])j"},
    {R"j({% set x = {'a': [1]} %}{% set y = x.a %}{% set x = 0 %}{{ y }})j", R"j([1])j"},
    {R"j({% set x %}hello {{ 1 }}{% endset %}[{{ x }}])j", R"j([hello 1])j"},
    {R"j({% set a, b = [1, 2] %}{{ a }}{{ b }} {% set p, q = 'xy' %}{{ q }}{{ p }})j", R"j(12 yx)j"},
    {R"j({% set n = n + 1 %}{{ n }} {% set s = s | upper %}{{ s }})j", R"j(6 HELLO)j"},
    {R"j({% for i in [1, 2] if z is undefined %}{% set z = 1 %}{{ i }}{% endfor %})j", R"j(12)j"},
    {R"j({% set t2 = t %}{% set l2 = l %}{% for x in l2 %}{{ x }}{% endfor %}{{ t2 }})j", R"j(312True)j"},
  });
}

TEST(Evaluator, DictsIterateInSortedKeyOrder) {
  // Jinja2 iterates insertion order; our objects are sorted.
  EXPECT_EQ(render("{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }};{% endfor %}"), "a=2;b=1;");
  EXPECT_EQ(render("{% for k in {'b': 1, 'a': 2} %}{{ k }};{% endfor %}"), "a;b;");
}

TEST(Evaluator, ItemsOfADictWithoutUnpacking) {
  EXPECT_EQ(render("{% for kv in {'a': 1}.items() %}{{ kv }}{% endfor %}"), "['a', 1]");
  EXPECT_EQ(render("{% for k, v in {'a': 1}.items() %}{{ loop.previtem is defined }}{{ loop.length }}{% endfor %}"), "False1");
  EXPECT_EQ(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ loop.nextitem | default('-') }};{% endfor %}"), "['b', 2];-;");
}

TEST(Evaluator, LoopPrintsLikeJinja) {
  EXPECT_EQ(render("{% for i in [1, 2] %}{{ loop }}{% endfor %}"), "<LoopContext 1/2><LoopContext 2/2>");
  EXPECT_EQ(render("{% for i in [1] %}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}"), "10");
}

TEST(Evaluator, LoopOverNamespaceValueSurvivesAssignment) {
  // The loop iterates a copy, so replacing the list inside the body is safe.
  EXPECT_EQ(render("{% set ns = namespace(xs=[1, 2, 3]) %}{% for x in ns.xs %}{% set ns.xs = [] %}{{ x }}{% endfor %}{{ ns.xs }}"),
            "123[]");
}

TEST(Evaluator, SetBlockHasItsOwnScope) {
  EXPECT_EQ(error_of("{% set x %}{% set y = 1 %}{{ y }}{% endset %}{{ x }}{{ y }}"), "t.j2:1:56: 'y' is undefined");
  EXPECT_EQ(render("{% set x -%}\n  a {{ n }}\n{%- endset %}[{{ x }}]"), "[a 5]");
}

TEST(Evaluator, LoopElseHasItsOwnScope) {
  EXPECT_EQ(error_of("{% for i in [] %}{% else %}{% set z = 1 %}{% endfor %}{{ z }}"), "t.j2:1:58: 'z' is undefined");
}

TEST(Evaluator, SetInsideLoopDoesNotLeak) {
  EXPECT_EQ(error_of("{% for i in [1,2] %}{% if i == 2 %}{{ x }}{% endif %}{% set x = i %}{% endfor %}"),
            "t.j2:1:39: 'x' is undefined");
  EXPECT_EQ(render("{% for i in [1, 2] %}{% set last = i %}{% endfor %}{{ last is defined }}"), "False");
}

TEST(Evaluator, UndefinedInStatements) {
  EXPECT_EQ(error_of("{% if missing %}{% endif %}"), "t.j2:1:7: 'missing' is undefined");
  EXPECT_EQ(error_of("{% if t %}{% elif missing %}{% endif %}"), "OK: ");
  EXPECT_EQ(error_of("{% if nn %}{% elif missing %}{% endif %}"), "t.j2:1:20: 'missing' is undefined");
  EXPECT_EQ(error_of("{% for x in missing %}{% endfor %}"), "t.j2:1:13: 'missing' is undefined");
  EXPECT_EQ(error_of("{% for x in [1] if missing %}{% endfor %}"), "t.j2:1:20: 'missing' is undefined");
  EXPECT_EQ(error_of("{% set q = missing %}{{ q }}"), "t.j2:1:12: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ loop.index }}"), "t.j2:1:4: 'loop' is undefined");
  EXPECT_EQ(error_of("{% for i in [1] %}{{ loop.foo }}{% endfor %}"),
            "t.j2:1:27: 'loop.foo' is undefined ('LoopContext object' has no attribute 'foo')");
  EXPECT_EQ(error_of("{% for i in [1,2,3] %}{{ loop.previtem }}{% endfor %}"), "t.j2:1:31: there is no previous item");
}

TEST(Evaluator, UnpackingErrors) {
  EXPECT_EQ(error_of("{% for a, b in [[1]] %}{% endfor %}"), "t.j2:1:8: not enough values to unpack (expected 2, got 1)");
  EXPECT_EQ(error_of("{% for a, b in [[1, 2, 3]] %}{% endfor %}"), "t.j2:1:8: too many values to unpack (expected 2)");
  EXPECT_EQ(error_of("{% for a, b in [1] %}{% endfor %}"), "t.j2:1:8: cannot unpack non-iterable int object");
  EXPECT_EQ(error_of("{% set a, b = [1, 2, 3] %}"), "t.j2:1:15: too many values to unpack (expected 2)");
  EXPECT_EQ(error_of("{% for i in 5 %}{% endfor %}"), "t.j2:1:13: 'int' object is not iterable");
  EXPECT_EQ(error_of("{% for i in nn %}{% endfor %}"), "t.j2:1:13: 'NoneType' object is not iterable");
}

TEST(Evaluator, NamespaceErrors) {
  EXPECT_EQ(error_of("{% set x = 1 %}{% set x.y = 2 %}"), "t.j2:1:23: cannot assign attribute 'y' on 'x': it is not a namespace()");
  EXPECT_EQ(error_of("{% set n.y = 2 %}"), "t.j2:1:8: cannot assign attribute 'y' on 'n': it is not a namespace()");
  EXPECT_EQ(error_of("{% set nope.y = 2 %}"), "t.j2:1:8: 'nope' is undefined");
  EXPECT_EQ(error_of("{% set ns = namespace() %}{{ ns.x }}"),
            "t.j2:1:33: 'ns.x' is undefined ('Namespace object' has no attribute 'x')");
  EXPECT_EQ(error_of("{% set ns = namespace() %}{% set ns.x = missing %}"), "t.j2:1:41: 'missing' is undefined");
}

TEST(Evaluator, WorkIsBounded) {
  // Nested loops that would run for a very long time stop with an error.
  EXPECT_EQ(error_of("{% for i in range(1000000) %}{% for j in range(1000000) %}{% endfor %}{% endfor %}"),
            "t.j2:1:30: rendering exceeded its work limit (too many loop iterations, too much output or too large values)");
  EXPECT_EQ(error_of("{{ range(10000000) }}"), "t.j2:1:4: range() would produce more than 1000000 items");
  // A namespace value cannot be nested without bound.
  const std::string deep = error_of("{% set ns = namespace(x=[]) %}{% for i in range(1000) %}{% set ns.x = [ns.x] %}{% endfor %}");
  EXPECT_NE(deep.find("value is nested too deeply"), std::string::npos) << deep;
}

}  // namespace
}  // namespace pier::tmpl
