#include "manifest/standard_labels.h"

namespace pier::manifest {

namespace {

using nlohmann::json;

// The member `key` of `object`, added as null when absent. Unlike
// json::operator[], finding an existing member allocates nothing (operator[]
// builds a map node first and drops it when the key is there).
json& member(json::object_t& object, const std::string& key) { return object.try_emplace(key).first->second; }

}  // namespace

void add_standard_labels(nlohmann::json& object, const StandardLabels& labels) {
  static const std::string kMetadata = "metadata", kLabels = "labels";
  static const std::string kName = "app.kubernetes.io/name", kInstance = "app.kubernetes.io/instance",
                           kVersion = "app.kubernetes.io/version", kManagedByKey = "app.kubernetes.io/managed-by";
  if (!object.is_object()) return;
  auto& metadata = member(object.get_ref<json::object_t&>(), kMetadata);
  if (metadata.is_null()) metadata = json::object();
  if (!metadata.is_object()) return;
  auto& out = member(metadata.get_ref<json::object_t&>(), kLabels);
  if (out.is_null()) out = json::object();
  if (!out.is_object()) return;  // a template's mistake: validation reports it
  auto& map = out.get_ref<json::object_t&>();
  member(map, kName) = labels.name;
  member(map, kInstance) = labels.instance;
  member(map, kVersion) = labels.version;
  member(map, kManagedByKey) = kManagedBy;
}

}  // namespace pier::manifest
