#include "release/revision_diff.h"

namespace pier::release {

nlohmann::json RevisionDiff::to_json() const {
  nlohmann::json objects_json = nlohmann::json::array();
  for (const auto& o : objects) objects_json.push_back(release::to_json(o));
  DiffCounts c = counts();
  return {{"values", release::to_json(values)},
          {"objects", std::move(objects_json)},
          {"counts", {{"added", c.added}, {"changed", c.changed}, {"removed", c.removed}, {"unchanged", c.unchanged}}}};
}

Result<RevisionDiff> diff_revisions(const RevisionSnapshot& before, const RevisionSnapshot& after) {
  auto before_set = ManifestSet::from_yaml(before.manifests, before.label);
  if (!before_set) return fail(before_set.error());
  auto after_set = ManifestSet::from_yaml(after.manifests, after.label);
  if (!after_set) return fail(after_set.error());
  DiffLabels labels{before.label, after.label};
  RevisionDiff diff;
  diff.values = diff_values(before.values, after.values, std::vector<const nlohmann::json*>{before.schema, after.schema}, labels);
  diff.objects = diff_manifest_sets(*before_set, *after_set, labels);
  return diff;
}

}  // namespace pier::release
