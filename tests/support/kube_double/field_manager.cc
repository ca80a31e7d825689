#include "field_manager.h"

#include <algorithm>
#include <map>

#include "structured_merge.h"

namespace pier::testing::kube_double {

namespace {

const char* const kServerSetMetadata[] = {"name",       "namespace",         "uid",
                                          "resourceVersion", "generation",   "creationTimestamp",
                                          "managedFields",   "selfLink",     "deletionTimestamp",
                                          "deletionGracePeriodSeconds"};

// The part of an object managers can own in this scope.
nlohmann::json ownership_view(const nlohmann::json* object, const FieldManagerScope& scope) {
  if (!object || !object->is_object()) return nlohmann::json::object();
  if (scope.status_only) {
    nlohmann::json view = nlohmann::json::object();
    auto status = object->find("status");
    if (status != object->end()) view["status"] = *status;
    return view;
  }
  nlohmann::json view = *object;
  view.erase("apiVersion");
  view.erase("kind");
  if (scope.reset_status) view.erase("status");
  auto metadata = view.find("metadata");
  if (metadata != view.end() && metadata->is_object()) {
    for (const char* field : kServerSetMetadata) metadata->erase(field);
    if (metadata->empty()) view.erase("metadata");
  }
  return view;
}

std::string subresource_of(const FieldManagerScope& scope) { return scope.status_only ? "status" : ""; }

std::vector<ManagedFieldsEntry>::iterator find_entry(std::vector<ManagedFieldsEntry>& entries,
                                                     const ManagedFieldsEntry& wanted) {
  return std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.same_manager(wanted); });
}

void drop_empty(std::vector<ManagedFieldsEntry>& entries) {
  std::erase_if(entries, [](const ManagedFieldsEntry& e) { return e.fields.empty(); });
}

ApiError conflict_error(const std::vector<ManagedFieldsEntry>& entries,
                        const std::vector<std::pair<size_t, FieldSet>>& conflicts) {
  ApiError error;
  error.code = 409;
  error.reason = "Conflict";
  std::vector<std::pair<const ManagedFieldsEntry*, FieldPath>> all;
  for (const auto& [index, paths] : conflicts)
    paths.for_each_member([&](const FieldPath& path) { all.emplace_back(&entries[index], path); });
  for (const auto& [entry, path] : all)
    error.causes.push_back({"FieldManagerConflict", "conflict with " + entry->describe(), to_string(path)});
  if (all.size() == 1) {
    error.message = "Apply failed with 1 conflict: conflict with " + all[0].first->describe() + ": " +
                    to_string(all[0].second);
    return error;
  }
  // Grouped by manager, managers sorted, as the real message lists them.
  std::map<std::string, std::vector<std::string>> by_manager;
  for (const auto& [entry, path] : all) by_manager[entry->describe()].push_back(to_string(path));
  std::string text;
  for (const auto& [manager, paths] : by_manager) {
    if (!text.empty()) text += "\n";
    text += "conflicts with " + manager + ":";
    for (const auto& path : paths) text += "\n- " + path;
  }
  error.message = "Apply failed with " + std::to_string(all.size()) + " conflicts: " + text;
  return error;
}

}  // namespace

bool ManagedFieldsEntry::same_manager(const ManagedFieldsEntry& other) const {
  if (manager != other.manager || operation != other.operation || subresource != other.subresource) return false;
  return operation == "Apply" || api_version == other.api_version;
}

std::string ManagedFieldsEntry::describe() const {
  std::string quoted = nlohmann::json(manager).dump();
  if (operation == "Update") return quoted + " using " + api_version;
  return quoted;
}

std::vector<ManagedFieldsEntry> read_managed_fields(const nlohmann::json& object) {
  std::vector<ManagedFieldsEntry> entries;
  if (!object.is_object()) return entries;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return entries;
  auto managed = metadata->find("managedFields");
  if (managed == metadata->end() || !managed->is_array()) return entries;
  for (const auto& item : *managed) {
    if (!item.is_object()) continue;
    ManagedFieldsEntry entry;
    auto text = [&](const char* key) {
      auto it = item.find(key);
      return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    entry.manager = text("manager");
    entry.operation = text("operation");
    entry.api_version = text("apiVersion");
    entry.time = text("time");
    entry.subresource = text("subresource");
    auto fields = item.find("fieldsV1");
    if (fields != item.end()) entry.fields = FieldSet::from_fields_v1(*fields);
    entries.push_back(std::move(entry));
  }
  return entries;
}

void write_managed_fields(nlohmann::json& object, const std::vector<ManagedFieldsEntry>& entries) {
  nlohmann::json& metadata = object["metadata"];
  if (entries.empty()) {
    metadata.erase("managedFields");
    return;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : entries) {
    nlohmann::json item = {{"manager", entry.manager},
                           {"operation", entry.operation},
                           {"apiVersion", entry.api_version},
                           {"fieldsType", "FieldsV1"},
                           {"fieldsV1", entry.fields.to_fields_v1()}};
    if (!entry.time.empty()) item["time"] = entry.time;
    if (!entry.subresource.empty()) item["subresource"] = entry.subresource;
    list.push_back(std::move(item));
  }
  metadata["managedFields"] = std::move(list);
}

ApiResult<nlohmann::json> apply_configuration(const nlohmann::json* live, const nlohmann::json& config,
                                              const std::string& manager, bool force, const FieldManagerScope& scope) {
  const SchemaNode* schema = scope.schema ? scope.schema : untyped_schema();
  auto keys_ok = check_list_keys(config, schema);
  if (!keys_ok) return std::unexpected(keys_ok.error());

  // What this scope lets the configuration change.
  nlohmann::json effective = config;
  if (scope.status_only) {
    effective = nlohmann::json::object();
    if (config.contains("status")) effective["status"] = config["status"];
  } else if (scope.reset_status) {
    effective.erase("status");
  }
  if (effective.contains("metadata") && effective["metadata"].is_object()) {
    // Fields only the server sets; name and namespace stay (they identify the object).
    for (const char* field : kServerSetMetadata)
      if (std::string_view(field) != "name" && std::string_view(field) != "namespace") effective["metadata"].erase(field);
  }

  nlohmann::json base = live ? *live : nlohmann::json::object();
  if (base.contains("metadata") && base["metadata"].is_object()) base["metadata"].erase("managedFields");
  nlohmann::json merged = merge_values(base, effective, schema);

  nlohmann::json live_view = ownership_view(live, scope);
  nlohmann::json merged_view = ownership_view(&merged, scope);
  FieldSet applied_set = field_set_of(ownership_view(&effective, scope), schema);
  Comparison change = compare_values(live_view, merged_view, schema);
  FieldSet changed = change.changed();

  std::vector<ManagedFieldsEntry> entries = live ? read_managed_fields(*live) : std::vector<ManagedFieldsEntry>{};
  ManagedFieldsEntry applier;
  applier.manager = manager;
  applier.operation = "Apply";
  applier.subresource = subresource_of(scope);

  std::vector<std::pair<size_t, FieldSet>> conflicts;  // entry index, contested fields
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].same_manager(applier) || entries[i].subresource != applier.subresource) continue;
    FieldSet overlap = entries[i].fields.intersect(changed);
    if (!overlap.empty()) conflicts.emplace_back(i, std::move(overlap));
  }
  if (!conflicts.empty() && !force) return std::unexpected(conflict_error(entries, conflicts));
  // Forced: the contested fields move to the applier.
  for (const auto& [index, overlap] : conflicts) entries[index].fields.subtract(overlap);
  for (auto& entry : entries) entry.fields.subtract(change.removed);

  auto mine = find_entry(entries, applier);
  FieldSet previously_applied = mine != entries.end() ? mine->fields : FieldSet{};
  FieldSet no_longer_applied = previously_applied;
  no_longer_applied.subtract(applied_set);
  FieldSet owned_by_others;
  for (const auto& entry : entries)
    if (!entry.same_manager(applier)) owned_by_others.add(entry.fields);
  remove_unowned(merged, no_longer_applied, owned_by_others, schema);

  if (mine == entries.end()) {
    applier.fields = applied_set;
    applier.api_version = scope.api_version;
    applier.time = scope.now;
    entries.push_back(std::move(applier));
  } else {
    // An unchanged entry keeps its time, so that a no-op apply changes nothing.
    if (!(mine->fields == applied_set) || mine->api_version != scope.api_version) mine->time = scope.now;
    mine->fields = applied_set;
    mine->api_version = scope.api_version;
  }
  drop_empty(entries);
  write_managed_fields(merged, entries);
  return merged;
}

nlohmann::json record_update(const nlohmann::json* live, nlohmann::json updated, const std::string& manager,
                             const FieldManagerScope& scope) {
  const SchemaNode* schema = scope.schema ? scope.schema : untyped_schema();
  std::vector<ManagedFieldsEntry> entries = live ? read_managed_fields(*live) : std::vector<ManagedFieldsEntry>{};
  // A writer may replace managedFields (kubectl does, to migrate from
  // client-side apply); [] clears them.
  auto metadata = updated.find("metadata");
  if (metadata != updated.end() && metadata->is_object()) {
    auto sent = metadata->find("managedFields");
    if (sent != metadata->end() && sent->is_array()) {
      const nlohmann::json* live_managed = nullptr;
      if (live && live->contains("metadata") && (*live)["metadata"].contains("managedFields"))
        live_managed = &(*live)["metadata"]["managedFields"];
      if (sent->empty()) {
        write_managed_fields(updated, {});
        return updated;
      }
      if (!live_managed || *live_managed != *sent) entries = read_managed_fields(updated);
    }
  }

  nlohmann::json live_view = ownership_view(live, scope);
  nlohmann::json updated_view = ownership_view(&updated, scope);
  Comparison change = compare_values(live_view, updated_view, schema);
  FieldSet taken = change.added;
  taken.add(change.modified);

  ManagedFieldsEntry updater;
  updater.manager = manager;
  updater.operation = "Update";
  updater.api_version = scope.api_version;
  updater.subresource = subresource_of(scope);
  for (auto& entry : entries) {
    if (!entry.same_manager(updater)) entry.fields.subtract(taken);
    entry.fields.subtract(change.removed);
  }
  auto mine = find_entry(entries, updater);
  if (mine == entries.end()) {
    updater.fields = std::move(taken);
    updater.time = scope.now;
    entries.push_back(std::move(updater));
  } else if (!taken.empty()) {
    mine->fields.add(taken);
    mine->time = scope.now;
  }
  drop_empty(entries);
  write_managed_fields(updated, entries);
  return updated;
}

}  // namespace pier::testing::kube_double
