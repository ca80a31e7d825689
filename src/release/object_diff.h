// What changes, object by object, between two versions of a release's
// objects: added, changed, removed or unchanged, with a unified diff of the
// YAML. Used for the diff a deploy shows before it applies (live object vs
// what the server says it would become) and for the diff between two
// stored revisions.
//
//   ObjectDiff d = diff_object(key, &live, &would_be, {.before = "live", .after = "after apply"});
//   d.change;  // ChangeKind::kChanged
//   d.diff;    // "--- Deployment shop/web (live)\n+++ Deployment shop/web (after apply)\n@@ ..."
//
// Secrets never show: the values of a Secret's `data` and `stringData` (and
// its kubectl last-applied annotation, which holds them too) read
// `(hidden)`, or `(hidden; changed)` on the side where the value differs,
// so that a changed password is a visible change without being visible.
// Whether an object changed is decided on the real values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "release/manifest_set.h"

namespace pier::release {

enum class ChangeKind { kAdded, kChanged, kRemoved, kUnchanged };

std::string_view to_string(ChangeKind change);

struct ObjectDiff {
  ObjectKey key;
  ChangeKind change = ChangeKind::kUnchanged;
  std::string diff;  // unified diff of the YAML, secrets masked; "" when unchanged
  std::string note;  // what could not be compared, e.g. "not checked by the server: namespace shop does not exist yet"
};

struct DiffCounts {
  size_t added = 0;
  size_t changed = 0;
  size_t removed = 0;
  size_t unchanged = 0;
  friend bool operator==(const DiffCounts&, const DiffCounts&) = default;
};

DiffCounts count_changes(const std::vector<ObjectDiff>& diffs);

// How the two sides are named in the diff header, after the object's name.
struct DiffLabels {
  std::string before = "before";
  std::string after = "after";
};

// `before` null: added; `after` null: removed (not both). Objects are
// compared as given: strip server fields first when one side is live.
ObjectDiff diff_object(const ObjectKey& key, const nlohmann::json* before, const nlohmann::json* after,
                       const DiffLabels& labels = {});

// Every object of `after` in its order (added, changed or unchanged), then
// the objects only `before` has (removed), in its order.
std::vector<ObjectDiff> diff_manifest_sets(const ManifestSet& before, const ManifestSet& after,
                                           const DiffLabels& labels = {});

// The object without what the server keeps for itself: metadata's
// managedFields, resourceVersion, uid, generation, creationTimestamp and
// selfLink, and status. Fields the server defaults stay: compare with what
// the server says applying would give (a dry run), not with what was sent.
nlohmann::json without_server_fields(const nlohmann::json& object);

// For the API and events: {"object": {"group","kind","namespace","name"},
// "display", "change", "diff", "note"}.
nlohmann::json to_json(const ObjectDiff& diff);

}  // namespace pier::release
