// Python's json.dumps(), which Ansible's to_json / to_nice_json and Jinja2's
// tojson filters call:
//
//   append_json_dumps(out, value, {});            // {"a": 1, "b": [1, 2]}
//   append_json_dumps(out, value, {.indent = 4}); // one item per line
//
// Keys come out sorted (our objects are sorted maps), floats as Python's
// repr, NaN/Infinity as Python writes them, and with ensure_ascii every
// code point outside printable ASCII as a lowercase \uXXXX escape.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pier::tmpl::detail {

struct DumpOptions {
  int indent = -1;           // < 0: everything on one line
  bool ensure_ascii = true;
  bool html_safe = false;    // Jinja2 tojson: also escape < > & '
};

void append_json_dumps(std::string& out, const nlohmann::json& value, const DumpOptions& options);

}  // namespace pier::tmpl::detail
