// Sets of field paths, as server-side apply records who owns what: the
// tree that metadata.managedFields[].fieldsV1 encodes.
//
//   FieldSet owned = FieldSet::from_fields_v1(entry["fieldsV1"]);
//   owned.has({PathElement::field("spec"), PathElement::field("replicas")});
//   to_string(path)  // ".spec.template.spec.containers[name=\"web\"].image"
//
// Path elements, in fieldsV1 keys and in printed paths:
//   field   f:replicas               .replicas
//   key     k:{"name":"web"}         [name="web"]   (an item of a list-map)
//   value   v:"finalizer.x"          [="finalizer.x"] (an item of a set)
//   index   i:3                      [3]
// A node is a "member" when the path itself is owned (a leaf, or "." in
// fieldsV1 for a list item that also has owned children).
#pragma once

#include <compare>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::testing::kube_double {

struct PathElement {
  enum class Type { kField, kKey, kValue, kIndex };
  Type type = Type::kField;
  // kField: the name; kKey: the key fields as canonical JSON (sorted object);
  // kValue: the value as JSON; kIndex: decimal.
  std::string text;

  static PathElement field(std::string name) { return {Type::kField, std::move(name)}; }
  static PathElement key(const nlohmann::json& key_fields) { return {Type::kKey, key_fields.dump()}; }
  static PathElement value(const nlohmann::json& v) { return {Type::kValue, v.dump()}; }

  std::string fields_v1_key() const;
  std::string to_string() const;
  static std::optional<PathElement> from_fields_v1_key(std::string_view key);

  auto operator<=>(const PathElement&) const = default;
};

using FieldPath = std::vector<PathElement>;
std::string to_string(const FieldPath& path);

class FieldSet {
 public:
  bool member = false;
  std::map<PathElement, FieldSet> children;

  bool empty() const { return !member && children.empty(); }
  void insert(const FieldPath& path);
  bool has(const FieldPath& path) const;          // the path is a member
  // The path is a member or has a member below it.
  bool covers(const FieldPath& path) const;
  const FieldSet* find(const PathElement& element) const;

  void add(const FieldSet& other);       // union, in place
  void subtract(const FieldSet& other);  // difference of members, in place
  FieldSet intersect(const FieldSet& other) const;
  // Every member path, depth first in key order.
  void for_each_member(const std::function<void(const FieldPath&)>& visit) const;
  size_t member_count() const;

  nlohmann::json to_fields_v1() const;
  static FieldSet from_fields_v1(const nlohmann::json& encoded);

  bool operator==(const FieldSet&) const = default;

 private:
  void for_each_member(FieldPath& prefix, const std::function<void(const FieldPath&)>& visit) const;
};

}  // namespace pier::testing::kube_double
