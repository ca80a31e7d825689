// The labels Pier puts on every object it renders, so that `kubectl get -l`
// and Pier itself can find what belongs to a release.
//
//   add_standard_labels(object, {.name = "jetty", .instance = "shop-web", .version = "1.2.0"});
//   // app.kubernetes.io/name=jetty, /instance=shop-web, /version=1.2.0, /managed-by=pier
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pier::manifest {

struct StandardLabels {
  std::string name;      // the app (catalog entry)
  std::string instance;  // the release
  std::string version;   // the app's version
};

inline constexpr const char* kManagedBy = "pier";

// Sets the four labels in metadata.labels, over whatever the template set for
// these keys; other labels stay. Leaves objects whose metadata or labels are
// not mappings alone, for validation to report.
void add_standard_labels(nlohmann::json& object, const StandardLabels& labels);

}  // namespace pier::manifest
