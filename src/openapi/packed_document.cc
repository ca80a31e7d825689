#include "openapi/packed_document.h"

#include <algorithm>

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
  // One three-way comparison per field (a tuple's < compares each field twice).
  auto compare = [&](const PackedKind& k) {
    if (int c = doc.str(k.group).compare(group); c != 0) return c;
    if (int c = doc.str(k.version).compare(version); c != 0) return c;
    return doc.str(k.kind).compare(kind);
  };
  auto it = std::lower_bound(doc.kinds.begin(), doc.kinds.end(), 0,
                             [&](const PackedKind& k, int) { return compare(k) < 0; });
  return it != doc.kinds.end() && compare(*it) == 0 ? &*it : nullptr;
}

}  // namespace pier::openapi
