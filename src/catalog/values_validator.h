// Validates a values document against an app's JSON Schema (draft-07, with
// valijson) and reports every problem, each with its JSON pointer, the rule
// broken and the offending value (hidden for password/writeOnly fields).
//
//   auto validator = ValuesValidator::compile(schema, "catalog/jetty/schema.json");
//   for (const auto& p : validator->validate(values)) print(p.pointer, p.message);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::catalog {

struct ValueProblem {
  std::string pointer;  // "/jetty/limit_cpu"; "" for the document itself
  std::string rule;     // the schema keyword broken: "pattern", "required", "type", ...
  std::string message;  // `must match pattern "^[0-9]+m?$", got "abc"`
};

class ValuesValidator {
 public:
  // Errors: a schema valijson cannot load (bad keyword values, unresolvable $ref).
  static Result<ValuesValidator> compile(const nlohmann::json& schema, const std::string& schema_file);

  // Every problem, in document order; empty when the values are valid.
  // Thread-safe.
  std::vector<ValueProblem> validate(const nlohmann::json& values) const;

 private:
  struct Compiled;
  std::shared_ptr<Compiled> compiled_;
};

// The problems as one Error (code kInvalidInput) with a detail per problem.
Error values_error(const std::vector<ValueProblem>& problems, const std::string& what);

}  // namespace pier::catalog
