#include "manifest/object_checks.h"

#include <set>
#include <tuple>

#include "manifest/names.h"
#include "manifest/object_ref.h"

namespace pier::manifest {

namespace {

using nlohmann::json;

// `where()` names the object in a problem.
template <class Where>
void check_labels(const json& metadata, const Where& where, std::vector<ErrorDetail>& problems) {
  auto labels = metadata.find("labels");
  if (labels == metadata.end() || !labels->is_object()) return;  // types are the schema's job
  for (auto it = labels->begin(); it != labels->end(); ++it) {
    if (!is_label_key(it.key()))
      problems.push_back({where(), "metadata.labels: invalid label key \"" + it.key() +
                                     "\": an optional DNS subdomain prefix and '/', then at most 63 characters [-_.A-Za-z0-9] starting and ending with a letter or digit"});
    if (it->is_string() && !is_label_value(it->get_ref<const std::string&>()))
      problems.push_back({where(), "metadata.labels[\"" + it.key() + "\"]: invalid label value \"" + it->get<std::string>() +
                                     "\": at most 63 characters [-_.A-Za-z0-9], starting and ending with a letter or digit"});
  }
}

}  // namespace

std::vector<ErrorDetail> check_objects(const std::vector<SourcedObject>& objects, const openapi::Schema& schema) {
  std::vector<ErrorDetail> problems;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const auto& sourced : objects) {
    const json& object = sourced.object;
    if (!object.is_object()) {
      problems.push_back({sourced.source, "expected a Kubernetes object (a mapping), got " + std::string(object.type_name())});
      continue;
    }
    ObjectRef ref = ObjectRef::of(object);
    // Spelled out only for a problem: valid objects are the common case.
    auto where = [&] { return sourced.source + " " + ref.display(); };
    size_t before = problems.size();
    for (const char* key : {"apiVersion", "kind"}) {
      auto it = object.find(key);
      if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
        problems.push_back({where(), std::string(key) + ": required, a non-empty string"});
    }
    auto metadata = object.find("metadata");
    if (metadata == object.end() || !metadata->is_object()) {
      problems.push_back({where(), "metadata: required, a mapping with at least a name"});
    } else if (ref.name.empty()) {
      problems.push_back({where(), "metadata.name: required, a non-empty string"});
    } else if (auto why = check_object_name(ref.kind, ref.name)) {
      problems.push_back({where(), *why});
    }
    if (problems.size() != before) continue;  // without an identity the rest says little

    if (auto kind = schema.find_kind(ref.api_version, ref.kind)) {
      if (kind->namespaced && ref.namespace_name.empty())
        problems.push_back({where(), "metadata.namespace: required, " + ref.kind + " is a namespaced kind"});
      if (!kind->namespaced && !ref.namespace_name.empty())
        problems.push_back({where(), "metadata.namespace: must not be set, " + ref.kind + " is cluster-scoped"});
      if (!ref.namespace_name.empty() && !is_dns1123_label(ref.namespace_name))
        problems.push_back({where(), "metadata.namespace \"" + ref.namespace_name + "\" must be a DNS-1123 label"});
    }
    check_labels(*metadata, where, problems);
    for (const auto& p : schema.validate(object)) problems.push_back({where(), openapi::to_string(p)});

    if (!seen.insert({ref.group(), ref.kind, ref.namespace_name, ref.name}).second)
      problems.push_back({where(), "the same object is rendered twice"});
  }
  return problems;
}

}  // namespace pier::manifest
