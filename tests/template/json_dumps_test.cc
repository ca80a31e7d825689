// Tests of json_dumps.cc: the exact output of Python's json.dumps (used by
// Ansible's to_json / to_nice_json and Jinja2's tojson).
#include "template/json_dumps.h"

#include <cmath>

#include <gtest/gtest.h>

#include "template/template_error.h"

namespace pier::tmpl::detail {
namespace {

using nlohmann::json;

std::string dumps(const json& v, DumpOptions options = {}) {
  std::string out;
  append_json_dumps(out, v, options);
  return out;
}

TEST(JsonDumps, CompactUsesPythonSeparators) {
  // json.dumps({'a': 1, 'b': [1, 2.5, None, True], 'd': {}, 'e': []})
  EXPECT_EQ(dumps(json::parse(R"({"a": 1, "b": [1, 2.5, null, true], "d": {}, "e": []})")),
            R"({"a": 1, "b": [1, 2.5, null, true], "d": {}, "e": []})");
  EXPECT_EQ(dumps(json(1e16)), "1e+16");
  EXPECT_EQ(dumps(json(3.0)), "3.0");
  EXPECT_EQ(dumps(json(std::nan(""))), "NaN");
  EXPECT_EQ(dumps(json(-HUGE_VAL)), "-Infinity");
}

TEST(JsonDumps, EnsureAsciiEscapes) {
  // json.dumps('é€😀\x01\x7f"\\/')
  EXPECT_EQ(dumps(json("é€😀\x01\x7f\"\\/\n\t\b\f\r")),
            R"("\u00e9\u20ac\ud83d\ude00\u0001\u007f\"\\/\n\t\b\f\r")");
  DumpOptions raw;
  raw.ensure_ascii = false;
  EXPECT_EQ(dumps(json("é\x7f\x01"), raw), "\"é\x7f\\u0001\"");
}

TEST(JsonDumps, Indent) {
  // json.dumps({'a': 1, 'b': [1, {'x': []}], 'e': {}}, indent=4)
  DumpOptions options;
  options.indent = 4;
  EXPECT_EQ(dumps(json::parse(R"({"a": 1, "b": [1, {"x": []}], "e": {}})"), options),
            "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        {\n            \"x\": []\n        }\n    ],\n    \"e\": {}\n}");
  options.indent = 0;
  EXPECT_EQ(dumps(json::parse("[1, 2]"), options), "[\n1,\n2\n]");
}

TEST(JsonDumps, HtmlSafe) {
  DumpOptions options;
  options.html_safe = true;
  EXPECT_EQ(dumps(json("<a href='x'>&</a>"), options), R"("\u003ca href=\u0027x\u0027\u003e\u0026\u003c/a\u003e")");
}

TEST(JsonDumps, InvalidUtf8IsAnError) {
  EXPECT_THROW(dumps(json(std::string("\xff"))), TemplateError);
}

}  // namespace
}  // namespace pier::tmpl::detail
