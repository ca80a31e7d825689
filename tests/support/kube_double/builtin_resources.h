// The built-in kinds the double serves, in one table: scope, short names,
// subresources and the per-kind registry rules of kube-apiserver v1.35.
#pragma once

#include <vector>

#include "resource_type.h"

namespace pier::testing::kube_double {

// Each with its apply schema from the OpenAPI document.
std::vector<ResourceType> builtin_resource_types();

}  // namespace pier::testing::kube_double
