#include "openapi/kind_index.h"

#include <map>
#include <tuple>

namespace pier::openapi {

namespace {

using Gvk = std::tuple<std::string, std::string, std::string>;

// The (group, version, kind) triples of an `x-kubernetes-group-version-kind`
// value: one object, or a list of them (DeleteOptions names sixty).
std::vector<Gvk> gvks_of(const nlohmann::json& schema) {
  std::vector<Gvk> out;
  if (!schema.is_object()) return out;
  auto it = schema.find("x-kubernetes-group-version-kind");
  if (it == schema.end()) return out;
  auto add = [&](const nlohmann::json& g) {
    if (!g.is_object()) return;
    auto group = g.find("group"), version = g.find("version"), kind = g.find("kind");
    if (group == g.end() || version == g.end() || kind == g.end()) return;
    if (!group->is_string() || !version->is_string() || !kind->is_string()) return;
    out.emplace_back(group->get<std::string>(), version->get<std::string>(), kind->get<std::string>());
  };
  if (it->is_array()) {
    for (const auto& g : *it) add(g);
  } else {
    add(*it);
  }
  return out;
}

}  // namespace

std::vector<KindEntry> collect_kinds(const nlohmann::json& document) {
  std::map<Gvk, KindEntry> kinds;
  auto definitions = document.find("definitions");
  if (definitions != document.end() && definitions->is_object()) {
    for (const auto& [name, schema] : definitions->items()) {  // sorted by name: the first wins
      for (auto& gvk : gvks_of(schema)) {
        if (kinds.contains(gvk)) continue;
        auto& [group, version, kind] = gvk;
        kinds.emplace(gvk, KindEntry{group, version, kind, name});
      }
    }
  }
  auto paths = document.find("paths");
  if (paths != document.end() && paths->is_object()) {
    for (const auto& [path, item] : paths->items()) {
      if (!item.is_object()) continue;
      const bool namespaced = path.find("{namespace}") != std::string::npos;
      for (const auto& [method, operation] : item.items()) {
        for (const auto& gvk : gvks_of(operation)) {
          auto it = kinds.find(gvk);
          if (it == kinds.end()) continue;  // e.g. PodExecOptions: an operation kind without a definition
          it->second.served = true;
          it->second.namespaced = it->second.namespaced || namespaced;
        }
      }
    }
  }
  std::vector<KindEntry> out;
  out.reserve(kinds.size());
  for (auto& [gvk, entry] : kinds) out.push_back(std::move(entry));
  return out;
}

}  // namespace pier::openapi
