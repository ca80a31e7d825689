// Tests of filters_seq.cc. Expected outputs come from Python Jinja2 3.1
// and, for Ansible's filters (dict2items, items2dict), Ansible's code.
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(FiltersSeq, MatchJinjaAndAnsible) {
  expect_cases({
    {R"j({{ x | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ none | d('z') }} {{ none | default('z', boolean=true) }} {{ d.zz | default(d.a) }} {{ missing | default }}|)j", R"j(d  d None z 1 |)j"},
    {R"j({{ [1, 'a', 2.0] | join(', ') }} {{ 'abc' | join('-') }} {{ d | join(',') }} {{ [none, true] | join }} {{ users | join(',', attribute='name') }} {{ [1, 2] | join(d='+') }})j", R"j(1, a, 2.0 a-b-c a,b,f,n,s NoneTrue bob,Al 1+2)j"},
    {R"j({{ 'héllo' | length }} {{ [1,2] | count }} {{ {'a':1} | length }} {{ '' | length }} {{ e | length }})j", R"j(5 2 1 0 0)j"},
    {R"j({{ [3,1,2] | first }} {{ [3,1,2] | last }} {{ 'abc' | first }} {{ 'abc' | last }} {{ d | first }} {{ d | last }} {{ ([] | first) is defined }})j", R"j(3 2 a c a s False)j"},
    {R"j({{ ['b', 'A', 'c'] | min }} {{ ['b', 'A', 'c'] | max }} {{ [3, 1.5, 2] | min }} {{ ['b', 'A', 'c'] | min(case_sensitive=true) }} {{ ['a', 'A'] | max }} {{ ['a', 'A'] | min }} {{ users | min(attribute='age') }} {{ 'hello' | max }})j", R"j(A c 1.5 A a a {'age': 25, 'name': 'Al', 'on': False} o)j"},
    {R"j({{ ['b', 'A', 'c', 'a'] | sort }} {{ [3,1,2] | sort(reverse=true) }} {{ ['b', 'A', 'c', 'a'] | sort(case_sensitive=true) }} {{ ['B', 'a', 'b', 'A'] | sort(true) }} {{ [2, 1.5, true] | sort }} {{ [[2], [1, 5], [1]] | sort }})j", R"j(['A', 'a', 'b', 'c'] [3, 2, 1] ['A', 'a', 'b', 'c'] ['B', 'b', 'a', 'A'] [True, 1.5, 2] [[1], [1, 5], [2]])j"},
    {R"j({{ users | sort(attribute='age') | map(attribute='name') | join }} {{ users | sort(attribute='name') | map(attribute='name') | join }} {{ users | sort(attribute='name', case_sensitive=true) | map(attribute='name') | join }})j", R"j(Albob Albob Albob)j"},
    {R"j({{ ['a', 'A', 'b', 1, 1.0, true] | unique | list }} {{ ['a', 'A', 'b'] | unique(case_sensitive=true) | list }} {{ users | unique(attribute='on') | map(attribute='name') | list }} {{ [none, none, 0, false] | unique | list }})j", R"j(['a', 'b', 1] ['a', 'A', 'b'] ['bob', 'Al'] [None, 0])j"},
    {R"j({{ 'ab' | list }} {{ d | list }} {{ [1, 2] | list }} {{ range(3) | list }})j", R"j(['a', 'b'] ['a', 'b', 'f', 'n', 's'] [1, 2] [0, 1, 2])j"},
    {R"j({{ 'abc' | reverse }} {{ [1, 2, 3] | reverse | list }} {{ u | reverse }})j", R"j(cba [3, 2, 1] dlröw olléh)j"},
    {R"j({{ [1, 2.5] | sum }} {{ [] | sum }} {{ [1,2] | sum(start=10) }} {{ users | sum(attribute='age') }} {{ [[1], [2]] | sum(start=[]) }})j", R"j(3.5 0 13 55 [1, 2])j"},
    {R"j({{ {'b': 1, 'A': 2, 'a': 3} | dictsort | map('join', '=') | join(' ') }} | {{ {'b': 1, 'a': 3} | dictsort(by='value') | map('join', '=') | join(' ') }} | {{ {'b': 1, 'a': 3} | dictsort(reverse=true) | map('join', '=') | join(' ') }} | {{ {'b': 1, 'a': 3, 'A': 2} | dictsort(true) | map('join', '=') | join(' ') }})j", R"j(A=2 a=3 b=1 | b=1 a=3 | b=1 a=3 | A=2 a=3 b=1)j"},
    {R"j({% for k, v in {'b': 1, 'a': 2} | dictsort %}{{ k }}{{ v }}{% endfor %} {% for k, v in d | items %}{{ k }}{% endfor %})j", R"j(a2b1 abfns)j"},
    {R"j({{ missing | items | list }} {{ d | items | map('join', '=') | list }})j", R"j([] ['a=1', 'b=[1, 2]', 'f=1.5', 'n=None', 's=x'])j"},
    {R"j({{ users | map(attribute='name') | join(',') }} {{ users | map(attribute='nick', default='?') | join(',') }} {{ ['a', 'b'] | map('upper') | list }} {{ ['a-b', 'c'] | map('replace', '-', '+') | list }} {{ [1, 2] | map('string') | list }})j", R"j(bob,Al ?,? ['A', 'B'] ['a+b', 'c'] ['1', '2'])j"},
    {R"j({{ users | selectattr('on') | map(attribute='name') | list }} {{ users | rejectattr('on') | map(attribute='name') | list }} {{ users | selectattr('age', 'gt', 26) | map(attribute='name') | list }} {{ users | selectattr('name', 'eq', 'Al') | list }})j", R"j(['bob'] ['Al'] ['bob'] [{'age': 25, 'name': 'Al', 'on': False}])j"},
    {R"j({{ [1,2,3,4] | select('odd') | list }} {{ [1,2,3,4] | reject('odd') | list }} {{ [0, 1, '', 'a'] | select | list }} {{ [1, 5, 10] | select('divisibleby', 5) | list }} {{ [1, 5, 10] | select('>', 4) | list }} {{ ['a', 1, none] | reject('string') | list }})j", R"j([1, 3] [2, 4] [1, 'a'] [5, 10] [5, 10] [1, None])j"},
    {R"j({{ d | dict2items }} {{ [{'key': 'a', 'value': 1}] | items2dict }} {{ {'x': 1} | dict2items(key_name='k', value_name='v') }} {{ [{'k': 'a', 'v': 2}] | items2dict(key_name='k', value_name='v') }})j", R"j([{'key': 'a', 'value': 1}, {'key': 'b', 'value': [1, 2]}, {'key': 'f', 'value': 1.5}, {'key': 'n', 'value': None}, {'key': 's', 'value': 'x'}] {'a': 1} [{'k': 'x', 'v': 1}] {'a': 2})j"},
  });
}

TEST(FiltersSeq, ItemsOfTemporaryValuesOutliveTheFilter) {
  // first/last/min/max of a value built by the template (found by fuzzing).
  EXPECT_EQ(render("{{ range(3) | last }} {{ [[1], [2]] | first }} {{ ([5, 9] + [7]) | max }} {{ ('ab' ~ 'c') | first }}"),
            "2 [1] 9 a");
  EXPECT_EQ(render("{% set x = [[1, 2]] | first %}{{ x }} {{ (d | combine({'z': [1]})).z }} {{ namespace(a=[2]).a }}"),
            "[1, 2] [1] [2]");
}

TEST(FiltersSeq, UniqueOfHugeFloats) {
  // Found by fuzzing (a float beyond the 64-bit range as a hash key).
  EXPECT_EQ(render("{{ [1e308, 1e308, -1e308, 1.0, 1] | unique | list }}"), "[1e+308, -1e+308, 1.0]");
}

TEST(FiltersSeq, MapAndSelectOnFalsyValuesAreEmpty) {
  // Jinja2 checks `if value:` before iterating.
  EXPECT_EQ(render("{{ nn | map('upper') | list }} {{ 0 | select | list }} {{ false | selectattr('x') | list }}"), "[] [] []");
}

TEST(FiltersSeq, PairsAreLists) {
  // Jinja2 prints tuples: [('a', 1)]; pairs are lists here.
  EXPECT_EQ(render("{{ {'b': 1, 'a': 2} | dictsort }} {{ {'a': 1} | items | list }}"), "[['a', 2], ['b', 1]] [['a', 1]]");
}

TEST(FiltersSeq, GeneratorsAreLists) {
  // Jinja2's map/select/reverse/items return generators; here they are lists.
  EXPECT_EQ(render("{{ [1, 2] | reverse }} {{ [1, 2] | map('string') }} {{ [1, 2] | select('odd') }}"), "[2, 1] ['1', '2'] [1]");
}

TEST(FiltersSeq, Combine) {
  // Ansible's combine: later dicts win; recursive merges nested dicts.
  EXPECT_EQ(render("{{ {'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}}, {'c': 3}) }}"), "{'a': 1, 'b': {'y': 2}, 'c': 3}");
  EXPECT_EQ(render("{{ {'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}}, recursive=true) }}"), "{'a': 1, 'b': {'x': 1, 'y': 2}}");
  EXPECT_EQ(render("{{ [{'a': [1]}, {'a': [2]}] | combine(list_merge='append') }}"), "{'a': [1, 2]}");
  EXPECT_EQ(render("{{ {'a': [1, 2]} | combine({'a': [2, 3]}, list_merge='prepend_rp') }}"), "{'a': [2, 3, 1]}");
  EXPECT_EQ(render("{{ {'a': [1]} | combine({'a': [2]}, list_merge='keep') }}"), "{'a': [1]}");
  EXPECT_EQ(error_of("{{ {} | combine(1) }}"), "t.j2:1:9: combine expects dictionaries, got int");
}

TEST(FiltersSeq, DefaultOnlyReplacesUndefined) {
  EXPECT_EQ(render("{{ missing | default('x') }} {{ missing.deep | default('y') if false else 'z' }}"), "x z");
  EXPECT_EQ(render("{{ nn | default('x') }} {{ false | default('x') }} {{ false | d('x', true) }}"), "None False x");
  EXPECT_EQ(error_of("{{ missing.deep | default('y') }}"), "t.j2:1:4: 'missing' is undefined");
}

TEST(FiltersSeq, Errors) {
  EXPECT_EQ(error_of("{{ 5 | length }}"), "t.j2:1:8: object of type 'int' has no len()");
  EXPECT_EQ(error_of("{{ [] | first }}"), "t.j2:1:9: No first item, sequence was empty.");
  EXPECT_EQ(error_of("{{ [] | last }}"), "t.j2:1:9: No last item, sequence was empty.");
  EXPECT_EQ(error_of("{{ [] | min }}"), "t.j2:1:9: No aggregated item, sequence was empty.");
  EXPECT_EQ(error_of("{{ [1, 'a'] | sort }}"), "t.j2:1:15: '<' not supported between instances of 'str' and 'int'");
  EXPECT_EQ(error_of("{{ [[1], [1]] | unique | list }}"), "t.j2:1:17: unhashable type: 'list'");
  EXPECT_EQ(error_of("{{ users | sort(attribute='email') }}"), "t.j2:1:12: 'dict object' has no attribute 'email'");
  EXPECT_EQ(error_of("{{ users | sum(attribute='x') }}"), "t.j2:1:12: 'dict object' has no attribute 'x'");
  EXPECT_EQ(error_of("{{ ['a'] | sum }}"), "t.j2:1:12: unsupported operand type(s) for +: 'int' and 'str'");
  EXPECT_EQ(error_of("{{ users | map(attribute='email') | list }}"), "t.j2:1:12: 'dict object' has no attribute 'email'");
  EXPECT_EQ(error_of("{{ [1] | map('nosuch') | list }}"), "t.j2:1:10: unknown filter 'nosuch'");
  EXPECT_EQ(error_of("{{ [1] | select('nosuch') | list }}"), "t.j2:1:10: unknown test 'nosuch'");
  EXPECT_EQ(error_of("{{ [1] | map | list }}"), "t.j2:1:10: map requires a filter argument");
  EXPECT_EQ(error_of("{{ l | dictsort }}"), "t.j2:1:8: dictsort needs a dict, not list");
  EXPECT_EQ(error_of("{{ d | dictsort(by='x') }}"), "t.j2:1:8: You can only sort by either \"key\" or \"value\"");
  EXPECT_EQ(error_of("{{ l | items }}"), "t.j2:1:8: Can only get item pairs from a mapping.");
  EXPECT_EQ(error_of("{{ l | dict2items }}"), "t.j2:1:8: dict2items requires a dictionary, got list instead.");
  EXPECT_EQ(error_of("{{ [1] | items2dict }}"),
            "t.j2:1:10: items2dict requires each item to be a dict with the keys 'key' and 'value'");
  EXPECT_EQ(error_of("{{ 5 | reverse }}"), "t.j2:1:8: argument must be iterable");
  EXPECT_EQ(error_of("{{ 5 | list }}"), "t.j2:1:8: 'int' object is not iterable");
}

}  // namespace
}  // namespace pier::tmpl
