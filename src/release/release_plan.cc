#include "release/release_plan.h"

#include <algorithm>
#include <set>

#include "manifest/apply_order.h"

namespace pier::release {

namespace {

bool applies_before(const ManifestObject& a, const ManifestObject& b) {
  return manifest::apply_rank(a.key.kind) < manifest::apply_rank(b.key.kind);
}

bool is_namespace(const ObjectKey& key) { return key.group.empty() && key.kind == "Namespace"; }

}  // namespace

ReleasePlan plan_release(const ReleaseRef& release, const ManifestSet& previous, const ManifestSet& next) {
  ReleasePlan plan;
  plan.release = release;
  plan.apply = next.objects();
  // Stable: objects of one kind keep the render's order, which is the
  // templates' order and so what the app's author meant.
  std::stable_sort(plan.apply.begin(), plan.apply.end(), applies_before);

  std::set<std::string> namespaces_in_use;
  for (const auto& o : next.objects())
    if (!o.key.namespace_name.empty()) namespaces_in_use.insert(o.key.namespace_name);

  for (const auto& o : previous.objects()) {
    if (next.contains(o.key)) continue;
    if (is_namespace(o.key) && namespaces_in_use.contains(o.key.name)) continue;
    plan.remove.push_back(o);
  }
  std::stable_sort(plan.remove.begin(), plan.remove.end(), applies_before);
  std::reverse(plan.remove.begin(), plan.remove.end());
  return plan;
}

}  // namespace pier::release
