// Who owns which fields of an object (metadata.managedFields), kept up to
// date on every write the way kube-apiserver's field manager does it:
//
// - Apply (PATCH application/apply-patch+yaml): the applied configuration is
//   merged into the live object; the applier owns exactly the fields it sent;
//   a field it sent with a value that differs from the live one while another
//   manager owns it is a conflict (409) unless forced, and forcing moves the
//   ownership; fields it owned before and no longer sends are removed from
//   the object unless another manager owns them.
// - Update (POST, PUT, merge/JSON patch): the writer takes ownership of every
//   field it added or changed, from whoever owned it; removed fields are
//   dropped from every manager. Never a conflict.
//
//   FieldManagerScope scope{schema, /*reset_status=*/true, false, "apps/v1", now};
//   auto merged = apply_configuration(live, config, "pier", /*force=*/false, scope);
//   if (!merged) return merged.error();  // 409 Conflict, causes name each field and its manager
//
// apiVersion, kind, the server-set metadata (name, namespace, uid,
// resourceVersion, generation, creationTimestamp, managedFields) and the
// fields a subresource resets are never owned.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "field_set.h"
#include "merge_schema.h"

namespace pier::testing::kube_double {

struct ManagedFieldsEntry {
  std::string manager;
  std::string operation;    // "Apply" or "Update"
  std::string api_version;
  std::string time;         // RFC 3339, seconds
  std::string subresource;  // "" or "status"
  FieldSet fields;

  // The server keys managers by name, operation and subresource, and
  // Update managers also by apiVersion.
  bool same_manager(const ManagedFieldsEntry& other) const;
  // How conflict messages name the manager: "\"kubectl\"" for an applier,
  // "\"hpa\" using autoscaling/v2" for an updater.
  std::string describe() const;
};

std::vector<ManagedFieldsEntry> read_managed_fields(const nlohmann::json& object);
// Sets or (when there are none) erases metadata.managedFields.
void write_managed_fields(nlohmann::json& object, const std::vector<ManagedFieldsEntry>& entries);

struct FieldManagerScope {
  const SchemaNode* schema = nullptr;
  bool reset_status = false;  // the main resource of a kind with a status subresource
  bool status_only = false;   // the status subresource
  std::string api_version;
  std::string now;            // timestamp for changed entries
};

// The live object (nullptr to create) with `config` applied, managedFields
// updated; or 409 Conflict. The caller sets the server fields afterwards.
ApiResult<nlohmann::json> apply_configuration(const nlohmann::json* live, const nlohmann::json& config,
                                              const std::string& manager, bool force, const FieldManagerScope& scope);

// `updated` (the object a non-apply write produced) with managedFields updated
// for `manager`. A request that sets managedFields to [] clears them.
nlohmann::json record_update(const nlohmann::json* live, nlohmann::json updated, const std::string& manager,
                             const FieldManagerScope& scope);

}  // namespace pier::testing::kube_double
