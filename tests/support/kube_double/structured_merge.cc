#include "structured_merge.h"

#include <map>
#include <set>

namespace pier::testing::kube_double {

namespace {

bool is_granular_list(const SchemaNode* schema) {
  return schema->shape == SchemaNode::Shape::kList && schema->list_type != SchemaNode::ListType::kAtomic;
}

void collect(const nlohmann::json& value, const SchemaNode* schema, FieldSet& out) {
  if (is_leaf(value, schema)) {
    out.member = true;
    return;
  }
  if (value.is_object()) {
    for (const auto& [name, child] : value.items())
      collect(child, schema->field(name), out.children[PathElement::field(name)]);
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& item = value[i];
    FieldSet& node = out.children[list_item_element(item, schema, i)];
    node.member = true;
    if (schema->list_type == SchemaNode::ListType::kMap && item.is_object() && !is_leaf(item, schema->item())) {
      for (const auto& [name, child] : item.items())
        collect(child, schema->item()->field(name), node.children[PathElement::field(name)]);
    }
  }
}

void add_child_if_any(FieldSet& parent, const PathElement& element, FieldSet&& child) {
  if (!child.empty()) parent.children[element].add(child);
}

void compare_into(const nlohmann::json* before, const nlohmann::json* after, const SchemaNode* schema,
                  Comparison& out);

// Compares children of two non-leaf values of the same shape.
void compare_children(const nlohmann::json& before, const nlohmann::json& after, const SchemaNode* schema,
                      Comparison& out) {
  auto descend = [&](const PathElement& element, const nlohmann::json* b, const nlohmann::json* a,
                     const SchemaNode* child_schema, bool item_member) {
    Comparison child;
    if (item_member && (!b || !a)) {
      // A list item appearing or disappearing: the item itself changes too.
      (b ? child.removed : child.added).member = true;
    }
    compare_into(b, a, child_schema, child);
    add_child_if_any(out.added, element, std::move(child.added));
    add_child_if_any(out.modified, element, std::move(child.modified));
    add_child_if_any(out.removed, element, std::move(child.removed));
  };
  if (before.is_object()) {
    for (const auto& [name, value] : before.items()) {
      auto other = after.find(name);
      descend(PathElement::field(name), &value, other == after.end() ? nullptr : &*other, schema->field(name), false);
    }
    for (const auto& [name, value] : after.items())
      if (!before.contains(name)) descend(PathElement::field(name), nullptr, &value, schema->field(name), false);
    return;
  }
  std::map<PathElement, const nlohmann::json*> before_items, after_items;
  for (size_t i = 0; i < before.size(); ++i) before_items.emplace(list_item_element(before[i], schema, i), &before[i]);
  for (size_t i = 0; i < after.size(); ++i) after_items.emplace(list_item_element(after[i], schema, i), &after[i]);
  bool is_set = schema->list_type == SchemaNode::ListType::kSet;
  for (const auto& [element, item] : before_items) {
    auto other = after_items.find(element);
    const nlohmann::json* a = other == after_items.end() ? nullptr : other->second;
    if (is_set) {
      if (!a) out.removed.children[element].member = true;
      continue;
    }
    descend(element, item, a, schema->item(), true);
  }
  for (const auto& [element, item] : after_items) {
    if (before_items.contains(element)) continue;
    if (is_set) {
      out.added.children[element].member = true;
      continue;
    }
    descend(element, nullptr, item, schema->item(), true);
  }
}

void compare_into(const nlohmann::json* before, const nlohmann::json* after, const SchemaNode* schema,
                  Comparison& out) {
  if (!before && !after) return;
  if (!before) {
    FieldSet added;
    collect(*after, schema, added);
    out.added.add(added);
    return;
  }
  if (!after) {
    FieldSet removed;
    collect(*before, schema, removed);
    out.removed.add(removed);
    return;
  }
  bool before_leaf = is_leaf(*before, schema);
  bool after_leaf = is_leaf(*after, schema);
  if (before_leaf && after_leaf) {
    if (*before != *after) out.modified.member = true;
    return;
  }
  if (before_leaf || after_leaf || before->type() != after->type()) {
    // The shape changed ({} became a filled map, a scalar became an object):
    // everything below on either side changed.
    FieldSet removed, added;
    collect(*before, schema, removed);
    collect(*after, schema, added);
    out.removed.add(removed);
    out.added.add(added);
    return;
  }
  compare_children(*before, *after, schema, out);
}

// Finds the child of `value` that `element` names.
nlohmann::json* locate(nlohmann::json& value, const PathElement& element, const SchemaNode* schema) {
  if (element.type == PathElement::Type::kField) {
    if (!value.is_object()) return nullptr;
    auto it = value.find(element.text);
    return it == value.end() ? nullptr : &*it;
  }
  if (!value.is_array()) return nullptr;
  for (size_t i = 0; i < value.size(); ++i)
    if (list_item_element(value[i], schema, i) == element) return &value[i];
  return nullptr;
}

void erase_child(nlohmann::json& value, const nlohmann::json* child) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it)
      if (&*it == child) {
        value.erase(it);
        return;
      }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      if (&value[i] == child) {
        value.erase(i);
        return;
      }
  }
}

const SchemaNode* child_schema(const SchemaNode* schema, const PathElement& element) {
  return element.type == PathElement::Type::kField ? schema->field(element.text) : schema->item();
}

}  // namespace

bool is_leaf(const nlohmann::json& value, const SchemaNode* schema) {
  if (value.is_object()) {
    if (value.empty() || schema->atomic) return true;
    return schema->shape == SchemaNode::Shape::kScalar || schema->shape == SchemaNode::Shape::kList;
  }
  if (value.is_array()) return value.empty() || !is_granular_list(schema);
  return true;
}

PathElement list_item_element(const nlohmann::json& item, const SchemaNode* list_schema, size_t index) {
  if (list_schema->shape != SchemaNode::Shape::kList) return {PathElement::Type::kIndex, std::to_string(index)};
  switch (list_schema->list_type) {
    case SchemaNode::ListType::kMap: {
      if (!item.is_object()) return {PathElement::Type::kIndex, std::to_string(index)};
      nlohmann::json key = nlohmann::json::object();
      for (const auto& name : list_schema->keys) {
        auto it = item.find(name);
        if (it != item.end() && !it->is_null()) {
          key[name] = *it;
        } else if (name == "protocol") {
          key[name] = "TCP";  // the schema default of every port protocol
        }
      }
      return PathElement::key(key);
    }
    case SchemaNode::ListType::kSet: return PathElement::value(item);
    case SchemaNode::ListType::kAtomic: break;
  }
  return {PathElement::Type::kIndex, std::to_string(index)};
}

ApiResult<void> check_list_keys(const nlohmann::json& value, const SchemaNode* schema) {
  if (is_leaf(value, schema)) return {};
  if (value.is_object()) {
    for (const auto& [name, child] : value.items()) {
      auto checked = check_list_keys(child, schema->field(name));
      if (!checked) return checked;
    }
    return {};
  }
  std::set<PathElement> seen;
  for (size_t i = 0; i < value.size(); ++i) {
    PathElement element = list_item_element(value[i], schema, i);
    if (!seen.insert(element).second)
      return std::unexpected(ApiError::bad_request("failed to create typed patch object: duplicate entries for key " +
                                                   element.to_string()));
    if (schema->list_type == SchemaNode::ListType::kMap) {
      auto checked = check_list_keys(value[i], schema->item());
      if (!checked) return checked;
    }
  }
  return {};
}

FieldSet field_set_of(const nlohmann::json& value, const SchemaNode* schema) {
  FieldSet set;
  collect(value, schema, set);
  set.member = false;  // the root is the object, never a field
  return set;
}

FieldSet Comparison::changed() const {
  FieldSet all = added;
  all.add(modified);
  all.add(removed);
  return all;
}

Comparison compare_values(const nlohmann::json& before, const nlohmann::json& after, const SchemaNode* schema) {
  Comparison out;
  compare_into(&before, &after, schema, out);
  out.added.member = out.modified.member = out.removed.member = false;
  return out;
}

nlohmann::json merge_values(const nlohmann::json& live, const nlohmann::json& applied, const SchemaNode* schema) {
  // Unlike ownership, merging treats an empty map or list like any other:
  // applying `labels: {}` keeps the live labels.
  if (live.type() != applied.type()) return applied;
  if (live.is_object()) {
    if (schema->atomic || schema->shape == SchemaNode::Shape::kScalar || schema->shape == SchemaNode::Shape::kList)
      return applied;
  } else if (!live.is_array() || !is_granular_list(schema)) {
    return applied;
  }
  if (live.is_object()) {
    nlohmann::json out = live;
    for (const auto& [name, value] : applied.items()) {
      if (value.is_null()) {
        out.erase(name);
        continue;
      }
      auto existing = out.find(name);
      if (existing == out.end()) {
        out[name] = value;
      } else {
        *existing = merge_values(*existing, value, schema->field(name));
      }
    }
    return out;
  }
  std::map<PathElement, const nlohmann::json*> applied_items;
  std::vector<PathElement> applied_order;
  for (size_t i = 0; i < applied.size(); ++i) {
    PathElement element = list_item_element(applied[i], schema, i);
    if (applied_items.emplace(element, &applied[i]).second) applied_order.push_back(element);
  }
  nlohmann::json out = nlohmann::json::array();
  std::set<PathElement> from_live;
  bool is_set = schema->list_type == SchemaNode::ListType::kSet;
  for (size_t i = 0; i < live.size(); ++i) {
    PathElement element = list_item_element(live[i], schema, i);
    from_live.insert(element);
    auto match = applied_items.find(element);
    if (match == applied_items.end() || is_set) {
      out.push_back(live[i]);
    } else {
      out.push_back(merge_values(live[i], *match->second, schema->item()));
    }
  }
  for (const auto& element : applied_order)
    if (!from_live.contains(element)) out.push_back(*applied_items[element]);
  return out;
}

void remove_unowned(nlohmann::json& object, const FieldSet& remove, const FieldSet& keep, const SchemaNode* schema) {
  for (const auto& [element, to_remove] : remove.children) {
    nlohmann::json* target = locate(object, element, schema);
    if (!target) continue;
    const FieldSet* kept = keep.find(element);
    bool owned_by_others = kept && !kept->empty();
    if (to_remove.member && !owned_by_others) {
      erase_child(object, target);
      continue;
    }
    if (to_remove.children.empty()) continue;
    bool had_content = (target->is_object() || target->is_array()) && !target->empty();
    static const FieldSet kNothing;
    remove_unowned(*target, to_remove, kept ? *kept : kNothing, child_schema(schema, element));
    if (had_content && target->empty() && !owned_by_others) erase_child(object, target);
  }
}

}  // namespace pier::testing::kube_double
