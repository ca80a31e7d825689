// The checks of a values document that Pier does itself rather than through
// valijson: "pattern" (PCRE2, see pattern.h) and the formats valijson leaves
// alone (hostname, ipv4, ipv6, email, uri; see string_formats.h).
//
// Compiling walks the schema along the paths where a subschema applies
// unconditionally (properties, additionalProperties, items, allOf, $ref) and
// builds a small plan: which subschema checks what, and below which ones
// there is anything to check at all. The patterns it takes over are removed
// from the copy of the schema given to valijson. Patterns that only apply
// under a condition (anyOf, oneOf, not, if/then/else, dependencies,
// patternProperties, ...) stay with valijson, where a failure in one branch
// does not make the document invalid.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/pattern.h"
#include "catalog/values_validator.h"
#include "common/error.h"

namespace pier::catalog {

class ValueChecks {
 public:
  // `for_valijson` receives the schema without the patterns the plan checks.
  // Errors: a pattern that does not compile (with its JSON pointer).
  static Result<ValueChecks> compile(const nlohmann::json& schema, const std::string& schema_file,
                                     nlohmann::json& for_valijson);

  // Appends the problems found, in document order.
  void check(const nlohmann::json& values, std::vector<ValueProblem>& problems) const;

  bool empty() const { return nodes_.empty() || !nodes_[0].relevant; }

 private:
  struct Node {
    std::string pointer;                    // in the schema, for messages and removal
    const Pattern* pattern = nullptr;       // checked here (not by valijson)
    std::string format;                     // a checked format, or ""
    bool secret = false;                    // format password or writeOnly: values are not shown
    std::vector<std::pair<std::string, int>> properties;  // sorted by name
    int additional = -1;                    // additionalProperties schema
    int items = -1;                         // items as one schema
    std::vector<int> all_of;
    // propertyNames.pattern: valijson 1.0 does not apply it (a key that breaks
    // it passes), so the plan checks every key of an object here.
    const Pattern* property_names = nullptr;
    bool relevant = false;                  // something to check here or below
  };
  void check_node(const nlohmann::json& value, int node, std::vector<std::string>& path,
                  std::vector<ValueProblem>& problems) const;

  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<Pattern>> patterns_;
};

}  // namespace pier::catalog
