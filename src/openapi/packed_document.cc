#include "openapi/packed_document.h"

#include <algorithm>
#include <tuple>

namespace pier::openapi {

const PackedProperty* find_packed_property(const PackedDocument& doc, const PackedNode& node, std::string_view name) {
  auto props = doc.properties_of(node);
  auto it = std::lower_bound(props.begin(), props.end(), name,
                             [&](const PackedProperty& p, std::string_view n) { return doc.str(p.name) < n; });
  return it != props.end() && doc.str(it->name) == name ? &*it : nullptr;
}

const PackedDefinition* find_packed_definition(const PackedDocument& doc, std::string_view name) {
  auto it = std::lower_bound(doc.definitions.begin(), doc.definitions.end(), name,
                             [&](const PackedDefinition& d, std::string_view n) { return doc.str(d.name) < n; });
  return it != doc.definitions.end() && doc.str(it->name) == name ? &*it : nullptr;
}

const PackedKind* find_packed_kind(const PackedDocument& doc, std::string_view group, std::string_view version,
                                   std::string_view kind) {
  auto key = std::tuple(group, version, kind);
  auto gvk = [&](const PackedKind& k) { return std::tuple(doc.str(k.group), doc.str(k.version), doc.str(k.kind)); };
  auto it = std::lower_bound(doc.kinds.begin(), doc.kinds.end(), key,
                             [&](const PackedKind& k, const auto& wanted) { return gvk(k) < wanted; });
  return it != doc.kinds.end() && gvk(*it) == key ? &*it : nullptr;
}

}  // namespace pier::openapi
