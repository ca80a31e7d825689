#include "manifest/object_ref.h"

namespace pier::manifest {

namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

ObjectRef ObjectRef::of(const nlohmann::json& object) {
  ObjectRef ref;
  if (!object.is_object()) return ref;
  ref.api_version = string_at(object, "apiVersion");
  ref.kind = string_at(object, "kind");
  if (auto m = object.find("metadata"); m != object.end() && m->is_object()) {
    ref.namespace_name = string_at(*m, "namespace");
    ref.name = string_at(*m, "name");
  }
  return ref;
}

std::string ObjectRef::display() const {
  std::string out = kind.empty() ? "(no kind)" : kind;
  out += " ";
  if (!namespace_name.empty()) out += namespace_name + "/";
  out += name.empty() ? "(no name)" : name;
  return out;
}

std::string ObjectRef::group() const {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

}  // namespace pier::manifest
