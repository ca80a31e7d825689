// Tests of filters_convert.cc. Expected outputs come from Python Jinja2
// 3.1 and, for Ansible's filters (bool, ternary, to_json, to_nice_json),
// the Python functions Ansible uses.
#include <gtest/gtest.h>

#include "test_util.h"

namespace pier::tmpl {
namespace {

using testing::error_of;
using testing::expect_cases;
using testing::render;

TEST(FiltersConvert, MatchJinjaAndAnsible) {
  expect_cases({
    {R"j({{ 42 | int }} {{ '  -3 ' | int }} {{ '0b101' | int(base=2) }} {{ 'ff' | int(base=16) }} {{ '10' | int(base=0) }} {{ '010' | int(base=0) }} {{ '+5' | int }} {{ '1.9e2' | int }} {{ [1] | int }})j", R"j(42 -3 5 255 10 10 5 190 0)j"},
    {R"j({{ 1 | int }} {{ '42' | int }} {{ '4_2' | int }} {{ '42.9' | int }} {{ '1e3' | int }} {{ -3.9 | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ none | int }} {{ true | int }} {{ '0x1A' | int }} {{ '0x1A' | int(base=16) }} {{ 'nan' | int }} {{ 'inf' | int }})j", R"j(1 42 42 42 1000 -3 0 7 0 1 0 26 0 0)j"},
    {R"j({{ '1.5' | float }} {{ 'x' | float }} {{ 3 | float }} {{ ' 2 ' | float }} {{ 'inf' | float }} {{ none | float }} {{ true | float }} {{ '1_0' | float }} {{ '.5' | float }} {{ '5.' | float }} {{ '-inf' | float }} {{ 'x' | float(1) }} {{ '1__0' | float }} {{ 'nan' | float }} {{ '1e400' | float }})j", R"j(1.5 0.0 3.0 2.0 inf 0.0 1.0 10.0 0.5 5.0 -inf 1 0.0 nan inf)j"},
    {R"j({{ 'yes' | bool }} {{ 'On' | bool }} {{ '1' | bool }} {{ 1 | bool }} {{ 0 | bool }} {{ 'no' | bool }} {{ none | bool }} {{ true | bool }} {{ 1.0 | bool }} {{ 2 | bool }} {{ 'TRUE' | bool }} {{ [1] | bool }})j", R"j(True True True True False False None True True False True False)j"},
    {R"j({{ -3 | abs }} {{ -2.5 | abs }} {{ 3 | abs }} {{ true | abs }} {{ -0.0 | abs }})j", R"j(3 2.5 3 1 0.0)j"},
    {R"j({{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 0.125 | round(2) }} {{ 3 | round }} {{ 1234.5 | round(-2) }} {{ 2.1 | round(method='ceil') }} {{ 2.9 | round(method='floor') }} {{ 3 | round(1, 'ceil') }} {{ -2.5 | round }} {{ 1e20 | round }})j", R"j(2.0 4.0 2.67 0.12 3 1200.0 3.0 2.0 3.0 -2.0 1e+20)j"},
    {R"j({{ 1.005 | round(2) }} {{ 0.5 | round }} {{ 1.5 | round }} {{ -0.5 | round }} {{ 1234 | round(-2) }} {{ 1250 | round(-2) }} {{ 1350 | round(-2) }} {{ 1.23456 | round(3, 'floor') }} {{ 1.23456 | round(3, 'ceil') }} {{ 5 | round(method='floor') }})j", R"j(1.0 0.0 2.0 -0.0 1200 1200 1400 1.234 1.235 5.0)j"},
    {R"j({{ 0.375 | round(2) }} {{ 123.456 | round(-1) }} {{ 155.0 | round(-1) }} {{ 145.0 | round(-1) }} {{ 1e300 | round(2) }} {{ 2.5 | round(0) }} {{ -1.25 | round(1) }} {{ 0.1 | round(20) }} {{ 1.23 | round(-5) }} {{ -7.5 | round(method='floor') }})j", R"j(0.38 120.0 160.0 140.0 1e+300 2.0 -1.2 0.1 0.0 -8.0)j"},
    {R"j({{ d | to_json }} {{ [1, 'é', none, true, 1.0] | to_json }} {{ 'a"b\\c\n\t\x01\x7f' | to_json }} {{ {} | to_json }} {{ [] | to_json }} {{ 1e16 | to_json }} {{ '€😀' | to_json }})j", R"j({"a": 1, "b": [1, 2], "f": 1.5, "n": null, "s": "x"} [1, "\u00e9", null, true, 1.0] "a\"b\\c\n\t\u0001\u007f" {} [] 1e+16 "\u20ac\ud83d\ude00")j"},
    {R"j({{ d | to_nice_json }})j", R"j({
    "a": 1,
    "b": [
        1,
        2
    ],
    "f": 1.5,
    "n": null,
    "s": "x"
})j"},
    {R"j({{ d | to_json(indent=2) }})j", R"j({
  "a": 1,
  "b": [
    1,
    2
  ],
  "f": 1.5,
  "n": null,
  "s": "x"
})j"},
    {R"j({{ {'a': [], 'b': {}, 'c': [1, {'x': none}]} | to_nice_json(indent=2) }})j", R"j({
  "a": [],
  "b": {},
  "c": [
    1,
    {
      "x": null
    }
  ]
})j"},
    {R"j({{ {'a': '<&>\''} | tojson }} {{ [1, 'é'] | tojson }})j", R"j({"a": "\u003c\u0026\u003e\u0027"} [1, "\u00e9"])j"},
    {R"j({{ t | ternary('y', 'n') }} {{ false | ternary('y', 'n') }} {{ none | ternary('y', 'n', 'z') }} {{ none | ternary('y', 'n') }} {{ [] | ternary(1, 2) }})j", R"j(y n z n 2)j"},
  });
}

TEST(FiltersConvert, ToYamlUsesOurEmitter) {
  // Block YAML from pier::yamljson (not PyYAML's exact layout).
  EXPECT_EQ(render("{{ users | to_yaml }}"), "- age: 30\n  name: bob\n  \"on\": true\n- age: 25\n  name: Al\n  \"on\": false\n");
  EXPECT_EQ(render("{{ {'a': {'b': [1, {'c': 'x'}]}} | to_nice_yaml(indent=2) }}"), "a:\n  b:\n  - 1\n  - c: x\n");
  EXPECT_EQ(render("{{ {'a': {'b': 1}} | to_nice_yaml }}"), "a:\n    b: 1\n");
  EXPECT_EQ(render("{{ 'yes' | to_yaml }}"), "\"yes\"\n");
  EXPECT_EQ(render("spec:\n  {{ {'a': 1, 'b': [2]} | to_yaml | indent(2) }}"), "spec:\n  a: 1\n  b:\n  - 2\n");
}

TEST(FiltersConvert, Errors) {
  EXPECT_EQ(error_of("{{ 'x' | round }}"), "t.j2:1:10: type str doesn't define __round__ method");
  EXPECT_EQ(error_of("{{ 1.5 | round(method='up') }}"), "t.j2:1:10: method must be common, ceil or floor");
  EXPECT_EQ(error_of("{{ 'x' | abs }}"), "t.j2:1:10: bad operand type for abs(): 'str'");
  EXPECT_EQ(error_of("{{ '1' | int(base=1) }}"), "t.j2:1:10: int() base must be >= 2 and <= 36, or 0");
  EXPECT_EQ(error_of("{{ '99999999999999999999' | int }}"), "t.j2:1:29: integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of("{{ missing | int }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ ('x' if nn) | int }}"),
            "t.j2:1:9: the inline if-expression on line 1 evaluated to false and no else section was defined.");
  EXPECT_EQ(error_of("{{ missing | to_json }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ missing | ternary(1, 2) }}"), "t.j2:1:4: 'missing' is undefined");
  EXPECT_EQ(error_of("{{ 1 | ternary(1) }}"), "t.j2:1:8: filter 'ternary' needs the argument 'false_val'");
  EXPECT_EQ(error_of("{{ 1 | to_yaml(indent=0) }}"), "t.j2:1:8: 'indent' must be between 1 and 16");
}

TEST(FiltersConvert, Mandatory) {
  EXPECT_EQ(render("{{ n | mandatory }}"), "5");
  EXPECT_EQ(error_of("{{ d.zz | mandatory }}"),
            "t.j2:1:6: mandatory value is undefined: 'd.zz' is undefined ('dict object' has no attribute 'zz')");
  EXPECT_EQ(error_of("{{ d.zz | mandatory('set d.zz in values.yaml') }}"), "t.j2:1:6: set d.zz in values.yaml");
}

TEST(FiltersConvert, AnsibleNamesWithCollectionPrefix) {
  EXPECT_EQ(render("{{ 'a b' | ansible.builtin.quote }} {{ d | ansible.builtin.to_json }}"),
            "'a b' {\"a\": 1, \"b\": [1, 2], \"f\": 1.5, \"n\": null, \"s\": \"x\"}");
}

}  // namespace
}  // namespace pier::tmpl
