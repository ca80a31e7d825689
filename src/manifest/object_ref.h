// Who an object is: apiVersion, kind, namespace, name — and how messages name it.
//
//   ObjectRef ref = ObjectRef::of(object);
//   ref.display();  // "Deployment shop/web"
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pier::manifest {

struct ObjectRef {
  std::string api_version;
  std::string kind;
  std::string namespace_name;  // empty for cluster-scoped objects
  std::string name;

  // Reads the fields that are strings; the others stay empty.
  static ObjectRef of(const nlohmann::json& object);

  // "Deployment shop/web", "Namespace shop", "Service ?/(no name)".
  std::string display() const;

  // The API group: "" for the core group ("v1"), "apps" for "apps/v1".
  std::string group() const;

  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

}  // namespace pier::manifest
