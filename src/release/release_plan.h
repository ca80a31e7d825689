// What a deploy changes, decided before anything is touched: the objects of
// the new revision to apply, in dependency order (Namespace, ConfigMap and
// Secret, Service, workloads, HPA, Ingress: manifest/apply_order.h), and the
// objects the previous revision had and this one no longer has, to delete
// in the reverse order (an Ingress goes before the Service it points at).
//
//   ReleasePlan plan = plan_release({"shop", "web"}, previous, next);
//   for (const ManifestObject& o : plan.apply) ...
//   for (const ManifestObject& o : plan.remove) ...
//
// An object that moved to another namespace is another object: the old one
// is removed, the new one applied. A Namespace that objects of the new
// revision live in is never removed, even when the previous revision
// created it and this one does not: deleting it would delete them.
#pragma once

#include <vector>

#include "release/manifest_set.h"
#include "release/release_ref.h"

namespace pier::release {

struct ReleasePlan {
  ReleaseRef release;
  std::vector<ManifestObject> apply;   // the new revision, in dependency order
  std::vector<ManifestObject> remove;  // previous-only objects, in reverse dependency order
};

ReleasePlan plan_release(const ReleaseRef& release, const ManifestSet& previous, const ManifestSet& next);

}  // namespace pier::release
