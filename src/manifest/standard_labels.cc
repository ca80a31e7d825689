#include "manifest/standard_labels.h"

namespace pier::manifest {

void add_standard_labels(nlohmann::json& object, const StandardLabels& labels) {
  if (!object.is_object()) return;
  auto& metadata = object["metadata"];
  if (metadata.is_null()) metadata = nlohmann::json::object();
  if (!metadata.is_object()) return;
  auto& out = metadata["labels"];
  if (out.is_null()) out = nlohmann::json::object();
  if (!out.is_object()) return;  // a template's mistake: validation reports it
  out["app.kubernetes.io/name"] = labels.name;
  out["app.kubernetes.io/instance"] = labels.instance;
  out["app.kubernetes.io/version"] = labels.version;
  out["app.kubernetes.io/managed-by"] = kManagedBy;
}

}  // namespace pier::manifest
