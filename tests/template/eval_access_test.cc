// Tests of eval_access.cc: names, attributes, items, slices, and the
// undefined errors with Jinja2's messages plus the full path. Expected
// outputs come from Python Jinja2 3.1 (see test_util.h).
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(EvalAccess, AttributesItemsAndSlices) {
  expect_cases({
    {R"j({{ d.b.0 }} {{ l.1 }} {{ l[-1] }} {{ l[1:] }} {{ s[1:3] }} {{ s[::-1] }} {{ d['a'] }} {{ d['b'][1] }} {{ jetty['image'] }})j", R"j(1 1 2 [1, 2] el olleH 1 2 img)j"},
    {R"j({{ 'héllo'[1] }} {{ 'héllo'[-1] }} {{ 'héllo'[1:3] }} {{ [1,2,3][::2] }} {{ [1,2,3][-2:] }} {{ [1, 2][0:1] }} {{ 'abc'[5:] }}|)j", R"j(é o él [1, 3] [2, 3] [1] |)j"},
    {R"j({{ s[0] }} {{ s[-1] }} {{ s[1:-1] }} {{ s[:2] }} {{ s[10:] }} {{ l[::-1] }} {{ l[-2:] }} {{ s[::2] }} {{ l[5:1:-1] }} {{ l[-10:10] }})j", R"j(H o ell He  [2, 1, 3] [1, 2] Hlo [2] [3, 1, 2])j"},
    {R"j({{ d.zz is defined }} {{ d.n is none }} {{ (d.a if nn) is defined }} {{ l[10] is defined }} {{ s.x is defined }})j", R"j(False True False False False)j"},
    {R"j({{ users[1].name }} {{ users[-1]['age'] }} {{ {'a': {'b': [5, 6]}}.a.b[1] }})j", R"j(Al 25 6)j"},
    {R"j({{ d.a if nn }}|{{ (d.a if nn) ~ 'x' }}|{{ (d.a if nn) | default('q') }}|{{ (d.a if nn) | length }}|{{ (d.a if nn) | list }}|)j", R"j(|x|q|0|[]|)j"},
  });
}

TEST(EvalAccess, MissingNameOrKeyNamesThePath) {
  EXPECT_EQ(error_of("{{ foo }}"), "t.j2:1:4: 'foo' is undefined");
  EXPECT_EQ(error_of("{{ jetty.imagee }}"), "t.j2:1:10: 'jetty.imagee' is undefined ('dict object' has no attribute 'imagee')");
  EXPECT_EQ(error_of("line one\n  {{ jetty.imagee | upper }}"),
            "t.j2:2:12: 'jetty.imagee' is undefined ('dict object' has no attribute 'imagee')");
  EXPECT_EQ(error_of("{{ jetty['imagee'] }}"), "t.j2:1:9: 'jetty.imagee' is undefined ('dict object' has no attribute 'imagee')");
  EXPECT_EQ(error_of("{{ jetty[\"my-key\"] }}"),
            "t.j2:1:9: 'jetty[\"my-key\"]' is undefined ('dict object' has no attribute 'my-key')");
  EXPECT_EQ(error_of("{% set k = 'zz' %}{{ d[k] }}"), "t.j2:1:23: 'd.zz' is undefined ('dict object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ l[7] }}"), "t.j2:1:5: 'l[7]' is undefined (list object has no element 7)");
  EXPECT_EQ(error_of("{{ l[n] }}"), "t.j2:1:5: 'l[5]' is undefined (list object has no element 5)");
  EXPECT_EQ(error_of("{{ d[1] }}"), "t.j2:1:5: 'd[1]' is undefined (dict object has no element 1)");
  EXPECT_EQ(error_of("{{ s[10] }}"), "t.j2:1:5: 's[10]' is undefined (str object has no element 10)");
  EXPECT_EQ(error_of("{{ users[0].email }}"),
            "t.j2:1:13: 'users[0].email' is undefined ('dict object' has no attribute 'email')");
  EXPECT_EQ(error_of("{{ d.zz.yy }}"), "t.j2:1:6: 'd.zz' is undefined ('dict object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ s.zz }}"), "t.j2:1:6: 's.zz' is undefined ('str object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ nn.zz }}"), "t.j2:1:7: 'nn.zz' is undefined ('None' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ n.zz }}"), "t.j2:1:6: 'n.zz' is undefined ('int object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ l.a }}"), "t.j2:1:6: 'l.a' is undefined ('list object' has no attribute 'a')");
  // Not a plain path: Jinja2's message alone.
  EXPECT_EQ(error_of("{{ (users | first).email }}"), "t.j2:1:20: 'dict object' has no attribute 'email'");
}

TEST(EvalAccess, UndefinedObjectFailsOnAnyAccess) {
  EXPECT_EQ(error_of("{{ missing.attr }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing['k'] }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing.x is defined }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ d.zz.yy is defined }}"), "t.j2:1:6: 'd.zz' is undefined ('dict object' has no attribute 'zz')");
}

TEST(EvalAccess, MethodNamesAreNotKeys) {
  // Jinja2 returns the bound method for d.items even when d has a key
  // "items"; printing it is never what the template meant.
  EXPECT_EQ(error_of("{{ d.items }}"),
            "t.j2:1:6: 'items' is a method of dict objects, not a key: write d['items'] to read the key, or d.items() to call the method");
  EXPECT_EQ(error_of("{{ s.upper }}"),
            "t.j2:1:6: 'upper' is a method of str objects, not a key: write s['upper'] to read the key, or s.upper() to call the method");
  EXPECT_EQ(error_of("{{ l.append }}"),
            "t.j2:1:6: 'append' is a method of list objects, not a key: write l['append'] to read the key, or l.append() to call the method");
  EXPECT_EQ(render("{{ x['items'] }}", {{"x", {{"items", 3}}}}), "3");
}

TEST(EvalAccess, SliceErrors) {
  EXPECT_EQ(error_of("{{ s[1:2:0] }}"), "t.j2:1:5: slice step cannot be zero");
  EXPECT_EQ(error_of("{{ s['a':] }}"), "t.j2:1:6: slice indices must be integers or None or have an __index__ method");
  EXPECT_EQ(error_of("{{ n[1:2] }}"), "t.j2:1:5: int object has no element slice(1, 2, None)");
}

TEST(EvalAccess, LoopAndNamespaceItems) {
  EXPECT_EQ(render("{% for i in [7] %}{{ loop['index'] }}{% endfor %}"), "1");
  EXPECT_EQ(render("{% set ns = namespace(a=1) %}{{ ns['a'] }}"), "1");
}

}  // namespace
}  // namespace pier::tmpl
