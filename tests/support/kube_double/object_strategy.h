// What kube-apiserver's registry does to an object on its way into storage,
// per kind ("strategies"): identity checks against the URL, names and labels
// validated (422 Invalid), server-owned metadata set (uid,
// creationTimestamp, generation), status reset on create and kept from the
// live object on writes to the main resource, and the status the apiserver
// itself maintains (Namespace phase, CRD conditions).
//
//   auto checked = check_body_identity(body, type, url_namespace, url_name);
//   auto ready = prepare_for_create(body, type, now);             // 422 on a bad name
//   auto merged = prepare_for_update(body, live, type, WriteScope::kMain);
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "resource_type.h"

namespace pier::testing::kube_double {

enum class WriteScope {
  kMain,    // the resource itself: status changes are ignored
  kStatus,  // the status subresource: only status changes are taken
};

// RFC 3339 in UTC, to the second, as metadata timestamps are.
std::string rfc3339_now();
std::string new_uid();

// The body of a create/update/apply request: an object whose apiVersion and
// kind (filled in when missing), namespace (filled in from the URL when
// missing) and name (when the URL has one) agree with the request. 400 otherwise.
ApiResult<void> check_body_identity(nlohmann::json& body, const ResourceType& type, std::string_view url_namespace,
                                    std::string_view url_name);

// Create refuses a body that carries a resourceVersion (it was probably read
// from the cluster and is being re-created by mistake): 500, with the real
// server's message. Not an update: that check is the caller's (preconditions).
ApiResult<void> check_create_without_resource_version(const nlohmann::json& object);

// Updates of custom resources must name the resourceVersion they replace
// (their strategy forbids unconditional updates); 422 otherwise.
ApiResult<void> check_update_precondition(const nlohmann::json& object, const ResourceType& type);

// A new object: name (or generateName), labels, server metadata, status.
ApiResult<void> prepare_for_create(nlohmann::json& object, const ResourceType& type, const std::string& now);

// An object replacing `live`: immutable metadata carried over, status per
// scope, generation bumped when anything outside metadata and status changed.
ApiResult<void> prepare_for_update(nlohmann::json& object, const nlohmann::json& live, const ResourceType& type,
                                   WriteScope scope);

}  // namespace pier::testing::kube_double
