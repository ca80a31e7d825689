// What changed between the values of two revisions, with the values the
// app's JSON Schema marks secret (`format: password` or `writeOnly: true`)
// masked: `(hidden)`, or `(hidden; changed)` where the value differs.
//
//   ValuesDiff d = diff_values(revision3.values, revision5.values, app.schema);
//   d.changed_paths;  // {"/jetty/replicas", "/auth/password"}
//   d.diff;           // "--- values (revision 3)\n+++ values (revision 5)\n@@ ...\n-  password: (hidden)\n+  password: (hidden; changed)"
//
// The schema is walked alongside the values (properties, additionalProperties,
// items, local $refs; not into oneOf/anyOf/allOf branches): a value is
// secret when the subschema at its place says so.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "release/object_diff.h"

namespace pier::release {

struct ValuesDiff {
  // JSON pointers of what differs: changed scalars, and values only one side
  // has; an array of a different length is one change at the array. Sorted.
  std::vector<std::string> changed_paths;
  std::string diff;  // unified diff of the YAML, secrets masked; "" when equal

  bool changed() const { return !changed_paths.empty(); }
};

// Labels name the two sides after "values": "values (revision 3)".
ValuesDiff diff_values(const nlohmann::json& before, const nlohmann::json& after, const nlohmann::json& schema,
                       const DiffLabels& labels = {});

// The same, masking what any of the schemas marks secret: two revisions of
// different app versions each have their own schema. Null schemas are skipped.
ValuesDiff diff_values(const nlohmann::json& before, const nlohmann::json& after,
                       const std::vector<const nlohmann::json*>& schemas, const DiffLabels& labels = {});

// {"changed_paths": [...], "diff": "..."}.
nlohmann::json to_json(const ValuesDiff& diff);

// The values with every secret one replaced by "(hidden)": for showing a
// revision's values on their own.
nlohmann::json mask_secret_values(const nlohmann::json& values, const nlohmann::json& schema);

// True when the subschema marks its value secret.
bool is_secret_schema(const nlohmann::json* subschema);

}  // namespace pier::release
