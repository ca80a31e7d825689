// Compiles the input as a template and, when it compiles, renders it (and
// render_value()s it) against a small fixed context with values of every
// type. Neither may crash, hang or exhaust memory: errors are fine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "template/template.h"

namespace {

const nlohmann::json& fuzz_context() {
  static const nlohmann::json context = nlohmann::json::parse(R"({
    "name": "web", "replicas": 3, "ratio": 0.25, "enabled": true, "nothing": null,
    "tags": ["a", "B", "c"], "nums": [3, 1, 2.5, -7],
    "labels": {"app": "web", "tier": "frontend", "items": "x"},
    "users": [{"name": "bob", "age": 30, "on": true}, {"name": "Al", "age": 25, "on": false}],
    "nested": {"a": {"b": {"c": [1, {"d": "deep"}]}}},
    "text": "line one\nline two\n\ttabbed \u00e9\u20ac",
    "big": 9223372036854775807, "neg": -9223372036854775808, "huge": 1e308
  })");
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  auto tmpl = pier::tmpl::Template::compile(source, "fuzz.j2");
  if (!tmpl) return 0;
  (void)tmpl->render(fuzz_context());
  if (tmpl->is_single_expression()) (void)tmpl->render_value(fuzz_context());
  return 0;
}
