// What differs between two stored revisions of a release, values and
// manifests, secrets masked: what `pier diff R REV1 REV2` and the console's
// history page show, and what a rollback will change before it is run.
//
//   RevisionSnapshot a{.label = "revision 3", .values = r3.values, .manifests = r3.manifests, .schema = &app_v1.schema};
//   RevisionSnapshot b{.label = "revision 5", .values = r5.values, .manifests = r5.manifests, .schema = &app_v2.schema};
//   auto diff = diff_revisions(a, b);
//   diff->values.changed_paths;   // {"/jetty/replicas"}
//   diff->objects;                // per object: added / changed / removed / unchanged, with its YAML diff
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "release/object_diff.h"
#include "release/values_diff.h"

namespace pier::release {

struct RevisionSnapshot {
  std::string label;        // names the side in the diffs: "revision 3"
  nlohmann::json values;    // the final values stored with the revision
  std::string manifests;    // the YAML stream stored with the revision
  const nlohmann::json* schema = nullptr;  // its app version's values schema; null: none known
};

struct RevisionDiff {
  ValuesDiff values;               // masked by both revisions' schemas
  std::vector<ObjectDiff> objects; // the objects of `after`, then those only `before` has

  DiffCounts counts() const { return count_changes(objects); }
  // {"values": {...}, "objects": [...], "counts": {"added", "changed", "removed", "unchanged"}}.
  nlohmann::json to_json() const;
};

// Errors: a revision's manifests cannot be read (the message names its label).
Result<RevisionDiff> diff_revisions(const RevisionSnapshot& before, const RevisionSnapshot& after);

}  // namespace pier::release
