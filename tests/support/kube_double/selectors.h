// Label and field selectors of list and watch requests, parsed as the real
// server parses them and matched against the labels and selectable fields
// the store extracted from each object when it was written.
//
//   auto s = LabelSelector::parse("app=web,tier in (front, back),!canary");
//   if (s && s->matches(object_labels)) ...
//
// Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`,
// `!k`, `k>1`, `k<1`; requirements are ANDed. `!=` and `notin` also match
// objects without the label. Field selectors: `f=v`, `f==v`, `f!=v` on
// metadata.name, metadata.namespace and the kind's own field labels.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "resource_type.h"

namespace pier::testing::kube_double {

// Sorted by key.
using LabelMap = std::vector<std::pair<std::string, std::string>>;
// Selectable field -> value ("" when the object lacks the field), sorted by field.
using FieldMap = std::vector<std::pair<std::string, std::string>>;

LabelMap labels_of(const nlohmann::json& object);
FieldMap fields_of(const nlohmann::json& object, const ResourceType& type);

class LabelSelector {
 public:
  // 400 BadRequest for a malformed selector.
  static ApiResult<LabelSelector> parse(std::string_view text);
  bool matches(const LabelMap& labels) const;
  bool empty() const { return requirements_.empty(); }

 private:
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  // 400 BadRequest for a malformed selector or a field the kind cannot select on.
  static ApiResult<FieldSelector> parse(std::string_view text, const ResourceType& type);
  bool matches(const FieldMap& fields) const;
  bool empty() const { return terms_.empty(); }

 private:
  struct Term {
    std::string field;
    bool equals;
    std::string value;
  };
  std::vector<Term> terms_;
};

}  // namespace pier::testing::kube_double
