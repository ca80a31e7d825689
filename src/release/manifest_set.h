// A rendered release as a set of Kubernetes objects, each known by its
// identity (API group, kind, namespace, name), in apply order. Built from a
// fresh render or from the YAML stream stored with a revision.
//
//   ManifestSet next = ManifestSet::from_rendered(rendered);
//   auto previous = ManifestSet::from_yaml(stored_yaml, "revision 3");
//   if (const ManifestObject* hpa = next.find({"autoscaling", "HorizontalPodAutoscaler", "shop", "web"})) ...
//   std::string stored = next.to_yaml();   // what the store keeps; from_yaml reads it back
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/render.h"
#include "common/error.h"
#include "manifest/object_checks.h"

namespace pier::release {

// The identity of an object. The API version is not part of it: the same
// HorizontalPodAutoscaler read as autoscaling/v1 or autoscaling/v2 is one
// object.
struct ObjectKey {
  std::string group;           // "" for the core group
  std::string kind;
  std::string namespace_name;  // "" for cluster-scoped objects
  std::string name;

  static ObjectKey of(const nlohmann::json& object);
  // "Deployment shop/web", "Namespace shop".
  std::string display() const;

  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
};

struct ManifestObject {
  ObjectKey key;
  nlohmann::json object;
  std::string origin;  // the template it came from ("jetty/templates/service.yaml.j2"); may be empty
};

class ManifestSet {
 public:
  ManifestSet() = default;

  // The render's objects, in the render's (apply) order.
  static ManifestSet from_rendered(const catalog::RenderedRelease& rendered);
  // Objects in the order given; the same identity twice is an error (kInvalidInput).
  static Result<ManifestSet> from_objects(std::vector<ManifestObject> objects);
  // A YAML stream as to_yaml() writes it (or any stream read_manifests
  // accepts). The `# Source: ...` comment that opens each document becomes
  // the object's origin, so to_yaml() gives the same text back.
  static Result<ManifestSet> from_yaml(std::string_view text, std::string_view file_name);

  const std::vector<ManifestObject>& objects() const { return objects_; }
  size_t size() const { return objects_.size(); }
  bool empty() const { return objects_.empty(); }
  const ManifestObject* find(const ObjectKey& key) const;
  bool contains(const ObjectKey& key) const { return find(key) != nullptr; }

  // `---`-separated documents with `# Source:` comments, as `pier render` prints them.
  std::string to_yaml() const;
  std::vector<manifest::SourcedObject> sourced_objects() const;

 private:
  std::vector<ManifestObject> objects_;
};

}  // namespace pier::release
