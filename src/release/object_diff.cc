#include "release/object_diff.h"

#include "release/line_diff.h"
#include "release/secret_mask.h"
#include "yamljson/json_to_yaml.h"

namespace pier::release {

namespace {

using nlohmann::json;

bool is_secret(const ObjectKey& key) { return key.group.empty() && key.kind == "Secret"; }

// Secret values replaced on both sides, each side knowing whether the other
// has the same value.
void mask_secret_object(json* before, json* after) {
  static const char* kMaps[] = {"data", "stringData"};
  for (const char* map : kMaps) {
    json* b = before && before->contains(map) ? &(*before)[map] : nullptr;
    json* a = after && after->contains(map) ? &(*after)[map] : nullptr;
    mask_map_values(b, a);
  }
  static const json::json_pointer kLastApplied("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration");
  json* b = before && before->contains(kLastApplied) ? &(*before)[kLastApplied] : nullptr;
  json* a = after && after->contains(kLastApplied) ? &(*after)[kLastApplied] : nullptr;
  mask_value_pair(b, a);
}

std::string yaml_of(const json* object) { return object ? yamljson::to_yaml(*object) : std::string(); }

}  // namespace

std::string_view to_string(ChangeKind change) {
  switch (change) {
    case ChangeKind::kAdded: return "added";
    case ChangeKind::kChanged: return "changed";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kUnchanged: return "unchanged";
  }
  return "unchanged";
}

DiffCounts count_changes(const std::vector<ObjectDiff>& diffs) {
  DiffCounts counts;
  for (const auto& d : diffs) {
    switch (d.change) {
      case ChangeKind::kAdded: ++counts.added; break;
      case ChangeKind::kChanged: ++counts.changed; break;
      case ChangeKind::kRemoved: ++counts.removed; break;
      case ChangeKind::kUnchanged: ++counts.unchanged; break;
    }
  }
  return counts;
}

ObjectDiff diff_object(const ObjectKey& key, const json* before, const json* after, const DiffLabels& labels) {
  ObjectDiff result;
  result.key = key;
  if (!before && !after) return result;
  if (!before) result.change = ChangeKind::kAdded;
  else if (!after) result.change = ChangeKind::kRemoved;
  else result.change = *before == *after ? ChangeKind::kUnchanged : ChangeKind::kChanged;
  if (result.change == ChangeKind::kUnchanged) return result;

  std::optional<json> masked_before, masked_after;
  if (before) masked_before = *before;
  if (after) masked_after = *after;
  if (is_secret(key))
    mask_secret_object(masked_before ? &*masked_before : nullptr, masked_after ? &*masked_after : nullptr);
  UnifiedDiffOptions options;
  options.before_label = key.display() + " (" + labels.before + ")";
  options.after_label = key.display() + " (" + labels.after + ")";
  result.diff = unified_diff(yaml_of(masked_before ? &*masked_before : nullptr),
                             yaml_of(masked_after ? &*masked_after : nullptr), options);
  return result;
}

std::vector<ObjectDiff> diff_manifest_sets(const ManifestSet& before, const ManifestSet& after,
                                           const DiffLabels& labels) {
  std::vector<ObjectDiff> diffs;
  for (const auto& o : after.objects()) {
    const ManifestObject* old = before.find(o.key);
    diffs.push_back(diff_object(o.key, old ? &old->object : nullptr, &o.object, labels));
  }
  for (const auto& o : before.objects())
    if (!after.contains(o.key)) diffs.push_back(diff_object(o.key, &o.object, nullptr, labels));
  return diffs;
}

json without_server_fields(const json& object) {
  json stripped = object;
  if (!stripped.is_object()) return stripped;
  stripped.erase("status");
  auto metadata = stripped.find("metadata");
  if (metadata != stripped.end() && metadata->is_object())
    for (const char* field : {"managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"})
      metadata->erase(field);
  return stripped;
}

json to_json(const ObjectDiff& diff) {
  return {{"object",
           {{"group", diff.key.group},
            {"kind", diff.key.kind},
            {"namespace", diff.key.namespace_name},
            {"name", diff.key.name}}},
          {"display", diff.key.display()},
          {"change", std::string(to_string(diff.change))},
          {"diff", diff.diff},
          {"note", diff.note}};
}

}  // namespace pier::release
