// Checks rendered objects before anyone applies them: each is a mapping with
// apiVersion, kind and metadata.name; a namespace exactly when its kind is
// namespaced; a valid name; valid label keys and values; no object twice; and
// strict validation against the Kubernetes OpenAPI document.
//
//   std::vector<SourcedObject> objects = ...;
//   auto problems = check_objects(objects, pier::openapi::Schema::builtin());
//   // {"templates/svc.yaml.j2 (document 1) Service shop/web", "spec.ports[0].port: expected integer, got string \"80\""}
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "openapi/schema.h"

namespace pier::manifest {

struct SourcedObject {
  nlohmann::json object;
  std::string source;  // for messages: "catalog/jetty/templates/service.yaml.j2 (document 1)"
  std::string origin;  // for output comments, independent of where the catalog is: "jetty/templates/service.yaml.j2"
};

// Every problem found, as (location, message) pairs; empty when all is well.
std::vector<ErrorDetail> check_objects(const std::vector<SourcedObject>& objects, const openapi::Schema& schema);

}  // namespace pier::manifest
