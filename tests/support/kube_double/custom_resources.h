// CustomResourceDefinitions: what kube-apiserver's apiextensions part checks
// in a CRD, the kinds a CRD makes served, and the status its controllers set
// (NamesAccepted and Established; the double sets them in the same write,
// a real server a few milliseconds later).
//
//   if (auto ok = validate_crd(crd, crd_type); !ok) return ok.error();  // 422
//   for (auto& type : custom_resource_types(crd)) catalog.add(...);
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "resource_type.h"

namespace pier::testing::kube_double {

ApiResult<void> validate_crd(const nlohmann::json& crd, const ResourceType& crd_type);

// One type per served version, each with the apply schema of its openAPIV3Schema.
std::vector<ResourceType> custom_resource_types(const nlohmann::json& crd);

// acceptedNames, conditions NamesAccepted=True and Established=True, storedVersions.
void set_crd_status(nlohmann::json& crd, const std::string& now);

}  // namespace pier::testing::kube_double
