#include "kube/resource.h"

#include "common/url_encoding.h"

namespace pier::kube {
namespace {

std::string string_field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

GroupVersionKind GroupVersionKind::from(std::string_view api_version, std::string_view kind) {
  GroupVersionKind gvk;
  gvk.kind = std::string(kind);
  // The core group has no group part: "v1". Everything else is "group/version".
  if (auto slash = api_version.find('/'); slash != std::string_view::npos) {
    gvk.group = std::string(api_version.substr(0, slash));
    gvk.version = std::string(api_version.substr(slash + 1));
  } else {
    gvk.version = std::string(api_version);
  }
  return gvk;
}

GroupVersionKind GroupVersionKind::of(const nlohmann::json& object) {
  return from(string_field(object, "apiVersion"), string_field(object, "kind"));
}

std::string GroupVersionKind::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string ResourceInfo::group_version_path() const {
  return gvk.group.empty() ? "/api/" + gvk.version : "/apis/" + gvk.group + "/" + gvk.version;
}

std::string ResourceInfo::collection_path(std::string_view namespace_name) const {
  std::string path = group_version_path();
  if (namespaced && !namespace_name.empty()) {
    path += "/namespaces/";
    path += encode_path_segment(namespace_name);
  }
  path += '/';
  path += resource;
  return path;
}

std::string ResourceInfo::object_path(std::string_view namespace_name, std::string_view name) const {
  return collection_path(namespace_name) + "/" + encode_path_segment(name);
}

}  // namespace pier::kube
