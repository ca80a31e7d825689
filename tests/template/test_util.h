// Helpers shared by the template tests: compile + render in one call, and a
// fixed context whose expected outputs were taken from Python Jinja2 3.1
// (StrictUndefined, plus Ansible's filters) and hard-coded in the tests.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "template/template.h"

namespace pier::tmpl::testing {

// The context every table-driven test renders against (keys sorted, as
// Python rendered them).
inline const nlohmann::json& test_context() {
  static const nlohmann::json context = nlohmann::json::parse(R"({
    "d": {"a": 1, "b": [1, 2], "f": 1.5, "n": null, "s": "x"},
    "e": [], "ed": {}, "f": 2.5,
    "jetty": {"image": "img", "port": 8080},
    "l": [3, 1, 2], "n": 5, "nn": null, "s": "Hello", "t": true,
    "u": "h\u00e9llo w\u00f6rld",
    "users": [{"age": 30, "name": "bob", "on": true}, {"age": 25, "name": "Al", "on": false}],
    "words": ["b", "A", "c", "a"]
  })");
  return context;
}

// The rendered text, or "ERROR: <message>".
inline std::string render(std::string_view source, const nlohmann::json& context = test_context()) {
  auto t = Template::compile(source, "t.j2");
  if (!t) return "ERROR: " + t.error().message;
  auto out = t->render(context);
  if (!out) return "ERROR: " + out.error().message;
  return *out;
}

// The error message of compiling or rendering, or "OK: <output>".
inline std::string error_of(std::string_view source, const nlohmann::json& context = test_context()) {
  auto t = Template::compile(source, "t.j2");
  if (!t) return t.error().message;
  auto out = t->render(context);
  if (!out) return out.error().message;
  return "OK: " + *out;
}

struct Case {
  const char* source;
  const char* expected;
};

// Renders every case and compares it with the output of Python Jinja2.
inline void expect_cases(std::initializer_list<Case> cases) {
  for (const Case& c : cases) EXPECT_EQ(render(c.source), c.expected) << "template: " << c.source;
}

}  // namespace pier::tmpl::testing
