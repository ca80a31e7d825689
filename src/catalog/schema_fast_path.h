// A fast path for ValuesValidator: one walk that proves a values document
// valid under the schema valijson is given, so that valid documents (the
// common case) skip valijson's own walk, which copies a path of strings and a
// set of matched names at every object it visits.
//
// It knows the keywords catalogs use — type, properties,
// additionalProperties, required, enum (of strings and booleans), minLength,
// maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, items (one
// schema), minItems, maxItems, minProperties, maxProperties, format (other
// than the ones valijson checks) and propertyNames (on an empty object) — and
// applies valijson's rules for each: strict types, lengths in UTF-8
// characters, limits compared as doubles. Everything else — a document that
// breaks a rule, a keyword it does not know ($ref, anyOf, pattern, ...), a
// value it is not sure about — is "not proven": valijson then validates as
// before and words the errors. As yamljson/fast_yaml.h is to yaml-cpp.
//
//   auto fast = SchemaFastPath::compile(schema_given_to_valijson);
//   if (!fast.proves_valid(values)) validate_with_valijson(values);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::catalog {

class SchemaFastPath {
 public:
  static SchemaFastPath compile(const nlohmann::json& schema);

  // True only when valijson (draft 7, strong types) would report no error.
  bool proves_valid(const nlohmann::json& values) const { return !nodes_.empty() && check(values, 0); }

 private:
  static constexpr int kAnything = -1;  // additionalProperties absent or true
  static constexpr int kNothing = -2;   // additionalProperties false

  struct Limit {
    double value = 0;
    bool exclusive = false;
  };
  struct Node {
    bool opaque = false;        // has a keyword left to valijson
    std::uint8_t types = 0;     // bits of the types "type" allows; 0: no "type"
    std::vector<std::pair<std::string, int>> properties;  // sorted by name, as a JSON object's keys
    int additional = kAnything;
    std::vector<std::string> required;
    std::optional<nlohmann::json> enum_values;
    std::optional<std::uint64_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
    std::vector<Limit> minimums, maximums;
    int items = kAnything;
    bool format = false;          // valijson reads the value as a string
    bool property_names = false;  // only an empty object surely passes
  };

  int build(const nlohmann::json& schema);
  bool check(const nlohmann::json& value, int node) const;
  bool check_object(const nlohmann::json& value, const Node& node) const;

  std::vector<Node> nodes_;
};

}  // namespace pier::catalog
