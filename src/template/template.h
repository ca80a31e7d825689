// A compiled Jinja2-compatible template (the subset documented in
// docs/templates.md), compiled once and rendered many times.
//
//   auto t = pier::tmpl::Template::compile(text, "templates/deployment.yaml.j2");
//   if (!t) return t.error();            // "templates/deployment.yaml.j2:3:14: expected '}}'"
//   auto out = t->render(context);       // strict: undefined names are errors
//
// Rendering is thread-safe: a Template is immutable after compile().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::tmpl {

namespace detail {
struct Program;
}

class Template {
 public:
  // `name` is used in every error message as `name:line:column: ...`.
  static Result<Template> compile(std::string_view source, std::string name);

  // Renders with `context` as the top-level names (must be a JSON object).
  Result<std::string> render(const nlohmann::json& context) const;

  // When the whole template is a single `{{ expression }}` (whitespace around
  // it allowed), returns the expression's typed value (a bool stays a bool);
  // otherwise the rendered text as a JSON string. Used for schema defaults
  // such as "{{ global.create_ns }}".
  Result<nlohmann::json> render_value(const nlohmann::json& context) const;

  // True when the template is a single `{{ expression }}`.
  bool is_single_expression() const;

  const std::string& name() const;

 private:
  explicit Template(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const detail::Program> program_;
};

// True when `text` contains template syntax (`{{`, `{%` or `{#`).
bool looks_like_template(std::string_view text);

}  // namespace pier::tmpl
