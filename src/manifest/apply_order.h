// The order in which objects are applied so that what others need exists
// first: Namespace, then policies and accounts, ConfigMap/Secret, storage,
// RBAC, Service, workloads, HPA, Ingress, webhooks last.
//
//   std::stable_sort(objects.begin(), objects.end(), [](auto& a, auto& b) {
//     return apply_rank(a.kind) < apply_rank(b.kind); });
#pragma once

#include <string_view>

namespace pier::manifest {

// Lower applies first; kinds we do not know (custom resources) come after all known ones.
int apply_rank(std::string_view kind);

}  // namespace pier::manifest
