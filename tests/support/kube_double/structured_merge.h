// The value operations of server-side apply over JSON, guided by a
// SchemaNode: which fields a value sets, what changed between two values,
// merging an applied configuration into a live object, and removing fields
// nobody owns any more. Pure functions; field_manager.h decides ownership.
//
//   FieldSet set = field_set_of(applied, schema);           // what the applier claims
//   Comparison c = compare_values(live, merged, schema);    // what an apply changes
//   nlohmann::json merged = merge_values(live, applied, schema);
//
// Leaves are scalars, atomic lists and maps, and empty objects or lists (so
// `emptyDir: {}` is owned as a whole). Items of list-maps are identified by
// their key fields (a missing `protocol` key defaults to "TCP", as the
// schema's default says), items of sets by their value.
#pragma once

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "field_set.h"
#include "merge_schema.h"

namespace pier::testing::kube_double {

bool is_leaf(const nlohmann::json& value, const SchemaNode* schema);

// The path element of item `index` of a list with this schema.
PathElement list_item_element(const nlohmann::json& item, const SchemaNode* list_schema, size_t index);

// 400 when a list-map or set holds two items with the same key.
ApiResult<void> check_list_keys(const nlohmann::json& value, const SchemaNode* schema);

FieldSet field_set_of(const nlohmann::json& value, const SchemaNode* schema);

struct Comparison {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;
  FieldSet changed() const;  // all three
};
Comparison compare_values(const nlohmann::json& before, const nlohmann::json& after, const SchemaNode* schema);

// `applied` wins on every leaf it sets; maps merge key by key; list-maps and
// sets merge item by item, live items first (in live order), then new ones.
// A null in `applied` removes the field.
nlohmann::json merge_values(const nlohmann::json& live, const nlohmann::json& applied, const SchemaNode* schema);

// Removes from `object` each member of `remove` that `keep` does not cover
// (keep: what other managers own). Maps and lists left empty by a removal go too.
void remove_unowned(nlohmann::json& object, const FieldSet& remove, const FieldSet& keep, const SchemaNode* schema);

}  // namespace pier::testing::kube_double
