// Which kinds an OpenAPI v2 document defines, and where the API serves them:
// definitions name their kinds in `x-kubernetes-group-version-kind`, and the
// operations under `paths` carry it too, with `{namespace}` in the path of a
// namespaced resource.
//
//   for (const KindEntry& k : collect_kinds(document))
//     std::cout << k.group << "/" << k.version << " " << k.kind << " -> " << k.definition;
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::openapi {

struct KindEntry {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string definition;  // name under `definitions`
  bool namespaced = false;  // some path serving it has {namespace}
  bool served = false;      // some path serves it at all
};

// Sorted by (group, version, kind), one entry each; when two definitions name
// the same kind, the first by definition name wins. Malformed entries are
// skipped: a document without kinds simply has none.
std::vector<KindEntry> collect_kinds(const nlohmann::json& document);

}  // namespace pier::openapi
