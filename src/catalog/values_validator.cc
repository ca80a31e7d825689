#include "catalog/values_validator.h"

#include <algorithm>
#include <mutex>
#include <unordered_set>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "catalog/schema_fast_path.h"
#include "catalog/value_checks.h"
#include "catalog/values.h"

namespace pier::catalog {

namespace {

using nlohmann::json;

// valijson reports a failing child also as a failure of each parent ("Failed
// to validate against schema associated with property name 'jetty'"); the
// child's own error says it all, so these are dropped.
bool is_aggregate(const std::string& description) {
  return description.starts_with("Failed to validate against schema associated with") ||
         description.starts_with("Failed to validate item #") ||
         description.starts_with("Failed to validate against additional properties schema") ||
         description.starts_with("Failed to validate against additional items schema") ||
         description.starts_with("Failed to validate against dependent schema") ||
         description.starts_with("Cannot validate item #");
}

std::string short_dump(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

bool is_secret(const json* schema) {
  if (!schema || !schema->is_object()) return false;
  auto format = schema->find("format");
  auto write_only = schema->find("writeOnly");
  return (format != schema->end() && *format == "password") ||
         (write_only != schema->end() && write_only->is_boolean() && write_only->get<bool>());
}

std::string number_text(const json& n) {
  if (n.is_number_float()) {
    double d = n.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return std::to_string(static_cast<int64_t>(d));
  }
  return n.dump();
}

std::string type_name(const json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number_float()) return "number";
  return value.type_name();  // string, boolean, null, array, object
}

std::string property_after(const std::string& description, const std::string& marker) {
  auto start = description.find(marker);
  if (start == std::string::npos) return "";
  start += marker.size();
  auto end = description.find('\'', start);
  return description.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

struct Translated {
  std::vector<std::string> path;
  std::string rule;
  std::string message;
};

// Turns valijson's description into the rule and a message built from the
// schema itself (valijson prints numbers as "65535.000000").
Translated translate(const std::string& description, std::vector<std::string> path, const json* schema,
                     const json* value) {
  auto s = [&](const char* key) -> const json& {
    static const json kNull;
    if (!schema || !schema->is_object() || !schema->contains(key)) return kNull;
    return (*schema)[key];
  };
  const bool secret = is_secret(schema);
  auto got = [&]() -> std::string {
    if (!value) return "";
    return ", got " + (secret ? std::string("(hidden)") : short_dump(*value));
  };
  if (description.starts_with("Missing required property '")) {
    path.push_back(property_after(description, "Missing required property '"));
    return {path, "required", "required property missing"};
  }
  if (description.starts_with("Object contains a property that could not be validated")) {
    path.push_back(property_after(description, "constraints: '"));
    return {path, "additionalProperties", "unknown property: the schema does not define it"};
  }
  if (description.starts_with("Value type not permitted")) {
    std::string expected = s("type").is_string() ? s("type").get<std::string>() : s("type").dump();
    return {path, "type", "expected " + expected + ", got " + (value ? type_name(*value) : "?") +
                              (value && !secret && !value->is_object() && !value->is_array() ? " " + short_dump(*value) : "")};
  }
  if (description.starts_with("Failed to match regex")) {
    return {path, "pattern", "must match pattern " + s("pattern").dump() + got()};
  }
  if (description.starts_with("Failed to match against any enum")) {
    std::string options;
    for (const auto& o : s("enum")) options += (options.empty() ? "" : ", ") + o.dump();
    return {path, "enum", "must be one of " + options + got()};
  }
  if (description.starts_with("String should be no fewer than")) {
    return {path, "minLength", "must be at least " + number_text(s("minLength")) + " characters long" + got()};
  }
  if (description.starts_with("String should be no more than")) {
    return {path, "maxLength", "must be at most " + number_text(s("maxLength")) + " characters long" + got()};
  }
  if (description.starts_with("Expected number greater than or equal to")) {
    return {path, "minimum", "must be >= " + number_text(s("minimum")) + got()};
  }
  if (description.starts_with("Expected number greater than")) {
    const json& limit = s("exclusiveMinimum").is_number() ? s("exclusiveMinimum") : s("minimum");
    return {path, "exclusiveMinimum", "must be > " + number_text(limit) + got()};
  }
  if (description.starts_with("Expected number less than or equal to")) {
    return {path, "maximum", "must be <= " + number_text(s("maximum")) + got()};
  }
  if (description.starts_with("Expected number less than")) {
    const json& limit = s("exclusiveMaximum").is_number() ? s("exclusiveMaximum") : s("maximum");
    return {path, "exclusiveMaximum", "must be < " + number_text(limit) + got()};
  }
  if (description.starts_with("Array should contain no fewer than")) {
    return {path, "minItems", "must have at least " + number_text(s("minItems")) + " items"};
  }
  if (description.starts_with("Array should contain no more than")) {
    return {path, "maxItems", "must have at most " + number_text(s("maxItems")) + " items"};
  }
  if (description.starts_with("Elements at indexes")) return {path, "uniqueItems", "items must be unique"};
  if (description.starts_with("String should be a valid")) {
    return {path, "format", "must be a valid " + (s("format").is_string() ? s("format").get<std::string>() : "value") + got()};
  }
  if (description.starts_with("Value should be a multiple of")) {
    return {path, "multipleOf", "must be a multiple of " + number_text(s("multipleOf")) + got()};
  }
  if (description.starts_with("Failed to match expected value set by 'const'")) {
    return {path, "const", "must equal " + s("const").dump() + got()};
  }
  return {path, "schema", description + got()};
}

// valijson's results as problems, sorted by pointer.
void translate_results(const valijson::ValidationResults& results, const json& values, const json& schema,
                       std::vector<ValueProblem>& problems) {
  for (const auto& error : results) {
    if (is_aggregate(error.description)) continue;
    std::vector<std::string> path;
    for (size_t i = 1; i < error.context.size(); ++i) {  // context[0] is "<root>"
      const std::string& c = error.context[i];
      path.push_back(c.size() >= 2 && c.front() == '[' && c.back() == ']' ? c.substr(1, c.size() - 2) : c);
    }
    const json* value = &values;
    for (const auto& key : path) {
      if (value && value->is_object() && value->contains(key)) value = &(*value)[key];
      else if (value && value->is_array() && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit) &&
               std::stoul(key) < value->size())
        value = &(*value)[std::stoul(key)];
      else value = nullptr;
    }
    Translated t = translate(error.description, path, subschema_at(schema, path), value);
    problems.push_back({json_pointer_of(t.path), t.rule, t.message});
  }

  // valijson lists a missing required property after the failures of the
  // properties present; readers want document order.
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ValueProblem& a, const ValueProblem& b) { return a.pointer < b.pointer; });
}

}  // namespace

struct ValuesValidator::Compiled {
  json schema_json;    // as the app wrote it: messages quote it
  json for_valijson;   // without the patterns that `checks` takes over
  valijson::Schema schema;
  std::mutex mutex;
  valijson::Validator validator{valijson::Validator::kStrongTypes};  // keeps compiled regexes between calls
  ValueChecks checks;
  SchemaFastPath fast_path;  // valid values need not go through valijson
};

Result<ValuesValidator> ValuesValidator::compile(const json& schema, const std::string& schema_file) {
  auto compiled = std::make_shared<Compiled>();
  compiled->schema_json = schema;
  auto checks = ValueChecks::compile(schema, schema_file, compiled->for_valijson);
  if (!checks) return fail(checks.error());
  compiled->checks = std::move(*checks);
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(compiled->for_valijson);
    parser.populateSchema(adapter, compiled->schema);
  } catch (const std::exception& e) {
    return fail(Error::invalid(schema_file + ": not a valid JSON Schema: " + e.what()));
  }
  compiled->fast_path = SchemaFastPath::compile(compiled->for_valijson);
  ValuesValidator validator;
  validator.compiled_ = std::move(compiled);
  return validator;
}

std::vector<ValueProblem> ValuesValidator::validate(const json& values) const {
  std::vector<ValueProblem> problems;
  // Valid values, the common case, are proven so without valijson (see
  // schema_fast_path.h); valijson validates the others and words the errors.
  if (!compiled_->fast_path.proves_valid(values)) {
    valijson::ValidationResults results;
    bool threw = false;
    std::string exception_text;
    {
      std::lock_guard lock(compiled_->mutex);
      try {
        valijson::adapters::NlohmannJsonAdapter target(values);
        compiled_->validator.validate(compiled_->schema, target, &results);
      } catch (const std::exception& e) {
        threw = true;
        exception_text = e.what();
      }
    }
    if (threw) {
      problems.push_back({"", "schema", std::string("validation failed: ") + exception_text});
      return problems;
    }
    translate_results(results, values, compiled_->schema_json, problems);
  }
  size_t schema_problems = problems.size();

  // Patterns and formats checked outside valijson (see value_checks.h).
  compiled_->checks.check(values, problems);
  std::inplace_merge(problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(schema_problems), problems.end(),
                     [](const ValueProblem& a, const ValueProblem& b) { return a.pointer < b.pointer; });
  return problems;
}

Error values_error(const std::vector<ValueProblem>& problems, const std::string& what) {
  Error error = Error::invalid(what + ": " + std::to_string(problems.size()) +
                               (problems.size() == 1 ? " problem" : " problems"));
  for (const auto& p : problems) error.details.push_back({p.pointer.empty() ? "/" : p.pointer, p.message + " (" + p.rule + ")"});
  return error;
}

}  // namespace pier::catalog
