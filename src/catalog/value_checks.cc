#include "catalog/value_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "catalog/string_formats.h"
#include "catalog/values.h"

namespace pier::catalog {

namespace {

using nlohmann::json;

// The keywords whose subschemas apply only under a condition.
constexpr const char* kConditionalKeywords[] = {"anyOf", "oneOf", "not", "if", "then", "else", "dependencies",
                                                 "patternProperties", "propertyNames", "contains",
                                                 "additionalItems"};

std::string child_pointer(const std::string& parent, const std::string& key) {
  return parent + "/" + escape_pointer_token(key);
}

const json* resolve_ref(const json& root, const json& node, std::string& pointer) {
  const json* at = &node;
  for (int hops = 0; hops < 32 && at->is_object(); ++hops) {
    auto ref = at->find("$ref");
    if (ref == at->end()) return at;
    if (!ref->is_string() || !ref->get_ref<const std::string&>().starts_with("#")) return nullptr;
    try {
      pointer = ref->get<std::string>().substr(1);
      at = &root.at(json::json_pointer(pointer));
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return at->is_object() ? at : nullptr;
}

// Every subschema reachable through a conditional keyword (following $refs):
// valijson keeps their patterns.
void mark_conditional(const json& root, const json& node, const std::string& pointer, bool conditional,
                      std::set<std::string>& conditional_pointers, std::set<std::pair<std::string, bool>>& seen) {
  if (!node.is_object() && !node.is_array()) return;
  if (!seen.insert({pointer, conditional}).second) return;
  if (conditional && node.is_object()) conditional_pointers.insert(pointer);
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i)
      mark_conditional(root, node[i], pointer + "/" + std::to_string(i), conditional, conditional_pointers, seen);
    return;
  }
  if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    std::string target = pointer;
    if (const json* resolved = resolve_ref(root, node, target))
      mark_conditional(root, *resolved, target, conditional, conditional_pointers, seen);
    return;  // draft-07: siblings of $ref are ignored
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it.key();
    if (key == "enum" || key == "const" || key == "default" || key == "examples" || key == "required") continue;
    bool child_conditional = conditional;
    for (const char* k : kConditionalKeywords)
      if (key == k) child_conditional = true;
    // With patternProperties present, which properties additionalProperties
    // covers depends on a regex over the keys: valijson decides.
    if (key == "additionalProperties" && node.contains("patternProperties")) child_conditional = true;
    // Positional items are not in the plan: keep them whole with valijson.
    if (key == "items" && it->is_array()) child_conditional = true;
    std::string child = child_pointer(pointer, key);
    if (key == "properties" || key == "definitions" || key == "patternProperties" || key == "dependencies") {
      if (!it->is_object()) continue;
      for (auto p = it->begin(); p != it->end(); ++p)
        mark_conditional(root, *p, child_pointer(child, p.key()), child_conditional, conditional_pointers, seen);
    } else if (it->is_object() || it->is_array()) {
      mark_conditional(root, *it, child, child_conditional, conditional_pointers, seen);
    }
  }
}

bool is_secret(const json& schema) {
  auto format = schema.find("format");
  auto write_only = schema.find("writeOnly");
  return (format != schema.end() && *format == "password") ||
         (write_only != schema.end() && write_only->is_boolean() && write_only->get<bool>());
}

std::string short_dump(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

}  // namespace

Result<ValueChecks> ValueChecks::compile(const json& schema, const std::string& schema_file, json& for_valijson) {
  for_valijson = schema;
  ValueChecks checks;
  if (!schema.is_object()) return checks;

  std::set<std::string> conditional;
  std::set<std::pair<std::string, bool>> seen;
  mark_conditional(schema, schema, "", false, conditional, seen);

  std::map<std::string, int> index_of;  // schema pointer -> node
  std::vector<std::string> strip;       // pointers whose pattern valijson no longer checks
  Error error;
  bool failed = false;

  // Builds the plan node for the subschema at `pointer` (after $refs).
  auto build = [&](auto& self, const json& raw, std::string pointer) -> int {
    const json* node = resolve_ref(schema, raw, pointer);
    if (!node) return -1;
    if (auto found = index_of.find(pointer); found != index_of.end()) return found->second;
    int index = static_cast<int>(checks.nodes_.size());
    index_of[pointer] = index;
    checks.nodes_.push_back({});
    checks.nodes_[index].pointer = pointer;
    checks.nodes_[index].secret = is_secret(*node);
    if (auto f = node->find("format"); f != node->end() && f->is_string() && is_checked_format(f->get_ref<const std::string&>()))
      checks.nodes_[index].format = f->get<std::string>();
    if (auto p = node->find("pattern"); p != node->end() && p->is_string() && !conditional.contains(pointer)) {
      auto compiled = Pattern::compile(p->get_ref<const std::string&>());
      if (!compiled) {
        error = Error::invalid(schema_file + ": " + (pointer.empty() ? "/" : pointer) + "/pattern: invalid regular expression: " +
                               compiled.error().message);
        failed = true;
      } else {
        checks.patterns_.push_back(std::make_unique<Pattern>(std::move(*compiled)));
        checks.nodes_[index].pattern = checks.patterns_.back().get();
        strip.push_back(pointer);
      }
    }
    if (auto names = node->find("propertyNames"); names != node->end() && names->is_object()) {
      if (auto p = names->find("pattern"); p != names->end() && p->is_string()) {
        auto compiled = Pattern::compile(p->get_ref<const std::string&>());
        if (!compiled) {
          error = Error::invalid(schema_file + ": " + pointer + "/propertyNames/pattern: invalid regular expression: " +
                                 compiled.error().message);
          failed = true;
        } else {
          checks.patterns_.push_back(std::make_unique<Pattern>(std::move(*compiled)));
          checks.nodes_[index].property_names = checks.patterns_.back().get();
        }
      }
    }
    if (auto props = node->find("properties"); props != node->end() && props->is_object()) {
      std::vector<std::pair<std::string, int>> children;
      for (auto it = props->begin(); it != props->end(); ++it) {
        int child = self(self, *it, child_pointer(child_pointer(pointer, "properties"), it.key()));
        if (child >= 0) children.emplace_back(it.key(), child);
      }
      checks.nodes_[index].properties = std::move(children);  // nlohmann's object order: sorted
    }
    if (auto extra = node->find("additionalProperties");
        extra != node->end() && extra->is_object() && !node->contains("patternProperties")) {
      int child = self(self, *extra, child_pointer(pointer, "additionalProperties"));
      checks.nodes_[index].additional = child;
    }
    if (auto items = node->find("items"); items != node->end() && items->is_object()) {
      int child = self(self, *items, child_pointer(pointer, "items"));
      checks.nodes_[index].items = child;
    }
    if (auto all = node->find("allOf"); all != node->end() && all->is_array()) {
      std::vector<int> children;
      for (size_t i = 0; i < all->size(); ++i) {
        int child = self(self, (*all)[i], child_pointer(child_pointer(pointer, "allOf"), std::to_string(i)));
        if (child >= 0) children.push_back(child);
      }
      checks.nodes_[index].all_of = std::move(children);
    }
    return index;
  };
  build(build, schema, "");
  if (failed) return fail(std::move(error));

  // Relevance to a fixed point: the plan may have cycles through $ref.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& n : checks.nodes_) {
      if (n.relevant) continue;
      bool relevant = n.pattern || !n.format.empty() || n.property_names;
      auto is_relevant = [&](int child) { return child >= 0 && checks.nodes_[child].relevant; };
      for (const auto& [_, child] : n.properties) relevant = relevant || is_relevant(child);
      relevant = relevant || is_relevant(n.additional) || is_relevant(n.items);
      for (int child : n.all_of) relevant = relevant || is_relevant(child);
      if (relevant) n.relevant = changed = true;
    }
  }

  for (const auto& pointer : strip) for_valijson.at(json::json_pointer(pointer)).erase("pattern");
  return checks;
}

void ValueChecks::check(const json& values, std::vector<ValueProblem>& problems) const {
  if (empty()) return;
  std::vector<std::string> path;
  size_t first = problems.size();
  check_node(values, 0, path, problems);
  std::stable_sort(problems.begin() + static_cast<std::ptrdiff_t>(first), problems.end(),
                   [](const ValueProblem& a, const ValueProblem& b) { return a.pointer < b.pointer; });
}

void ValueChecks::check_node(const json& value, int index, std::vector<std::string>& path,
                             std::vector<ValueProblem>& problems) const {
  if (index < 0) return;
  const Node& node = nodes_[static_cast<size_t>(index)];
  if (!node.relevant) return;
  for (int child : node.all_of) check_node(value, child, path, problems);
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    auto shown = [&] { return node.secret ? std::string("(hidden)") : short_dump(value); };
    if (node.pattern) {
      Pattern::Outcome outcome = node.pattern->search(text);
      if (outcome == Pattern::kNoMatch)
        problems.push_back({json_pointer_of(path), "pattern",
                            "must match pattern " + json(node.pattern->expression()).dump() + ", got " + shown()});
      else if (outcome == Pattern::kTooComplex)
        problems.push_back({json_pointer_of(path), "pattern",
                            "could not be matched against pattern " + json(node.pattern->expression()).dump() +
                                " within the matching limits (too long or too complex)"});
    }
    if (!node.format.empty() && !matches_format(node.format, text))
      problems.push_back({json_pointer_of(path), "format", "must be a valid " + node.format + ", got " + shown()});
  } else if (value.is_object()) {
    // Both sides are sorted by name: one merge walk.
    auto property = node.properties.begin();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      if (node.property_names && node.property_names->search(key) != Pattern::kMatch) {
        path.push_back(key);
        problems.push_back({json_pointer_of(path), "propertyNames",
                            "property name " + json(key).dump() + " must match pattern " +
                                json(node.property_names->expression()).dump()});
        path.pop_back();
      }
      while (property != node.properties.end() && property->first < key) ++property;
      int child = property != node.properties.end() && property->first == key ? property->second : node.additional;
      if (child < 0 || !nodes_[static_cast<size_t>(child)].relevant) continue;
      path.push_back(key);
      check_node(*it, child, path, problems);
      path.pop_back();
    }
  } else if (value.is_array() && node.items >= 0 && nodes_[static_cast<size_t>(node.items)].relevant) {
    for (size_t i = 0; i < value.size(); ++i) {
      path.push_back(std::to_string(i));
      check_node(value[i], node.items, path, problems);
      path.pop_back();
    }
  }
}

}  // namespace pier::catalog
