// Checks that an app's schema.json is a well-formed JSON Schema draft-07 that
// a form can be generated from, and that ui.json only names fields the
// schema has. Reports every problem with its JSON pointer.
//
//   for (const auto& p : lint_schema(app.schema, "catalog/jetty/schema.json")) ...
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::catalog {

// Draft-07 keyword types and values (type names, non-negative lengths, regex
// patterns that compile, required/enum shapes, local $refs that resolve),
// unknown keywords (with a suggestion: "minlength" -> "minLength"), literal
// defaults that break their own property's schema, and Pier's rules: the
// root is an object of groups, every field has a type and a title or
// description.
std::vector<ErrorDetail> lint_schema(const nlohmann::json& schema, const std::string& schema_file);

// ui.json as a react-jsonschema-form uiSchema over `schema`.
std::vector<ErrorDetail> lint_ui(const nlohmann::json& ui, const nlohmann::json& schema, const std::string& ui_file);

}  // namespace pier::catalog
