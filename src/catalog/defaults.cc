#include "catalog/defaults.h"

#include <charconv>
#include <functional>
#include <set>

#include "catalog/values.h"

namespace pier::catalog {

namespace {

using nlohmann::json;

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::string single_type(const json& schema) {
  auto it = schema.find("type");
  return it != schema.end() && it->is_string() ? it->get<std::string>() : "";
}

bool is_identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Finds the value at `path`; null when any step is missing or not an object.
template <class Json>
Json* find_path(Json& root, const std::vector<std::string>& path) {
  Json* node = &root;
  for (const auto& key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

// Creates the objects on the way; false when something on the way is not an
// object (the user gave another type; validation will say so).
bool set_path(json& root, const std::vector<std::string>& path, json value) {
  json* node = &root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node->is_object()) return false;
    node = &(*node)[path[i]];
    if (node->is_null()) *node = json::object();
  }
  if (!node->is_object()) return false;
  (*node)[path.back()] = std::move(value);
  return true;
}

void fill_literal_defaults(json& node, const json& schema) {
  if (!schema.is_object()) return;
  if (node.is_object()) {
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object()) return;
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (!it->is_object()) continue;
      if (!node.contains(it.key())) {
        auto d = it->find("default");
        if (d != it->end()) node[it.key()] = *d;
        else if (single_type(*it) == "object" && it->contains("properties")) {
          json child = json::object();
          fill_literal_defaults(child, *it);
          if (!child.empty()) node[it.key()] = std::move(child);
          continue;
        } else continue;
      }
      fill_literal_defaults(node[it.key()], *it);
    }
  } else if (node.is_array()) {
    auto items = schema.find("items");
    if (items == schema.end() || !items->is_object()) return;
    for (auto& element : node) fill_literal_defaults(element, *items);
  }
}

// Whether some "default" inside `schema` is a template.
bool contains_template(const json& schema) {
  return any_object(schema, [](const json& node) {
    auto d = node.find("default");
    return d != node.end() && d->is_string() && tmpl::looks_like_template(d->get_ref<const std::string&>());
  });
}

// A template default yields a string when it is not a single expression;
// convert it to the property's type when it reads as one.
json coerce(json value, const std::string& type) {
  if (!value.is_string()) return value;
  const std::string& s = value.get_ref<const std::string&>();
  if (type == "boolean") {
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
  } else if (type == "integer") {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return v;
  } else if (type == "number") {
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return v;
  }
  return value;
}

}  // namespace

std::vector<std::string> mentioned_names(std::string_view text) {
  std::vector<std::string> names;
  size_t pos = 0;
  while (true) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos || open + 1 >= text.size()) break;
    char kind = text[open + 1];
    if (kind != '{' && kind != '%') {
      pos = open + 1;
      continue;
    }
    std::string_view close_tag = kind == '{' ? "}}" : "%}";
    size_t close = text.find(close_tag, open + 2);
    if (close == std::string_view::npos) close = text.size();
    std::string_view body = text.substr(open + 2, close - open - 2);
    for (size_t i = 0; i < body.size();) {
      char c = body[i];
      if (c == '\'' || c == '"') {  // skip string literals
        size_t end = body.find(c, i + 1);
        i = end == std::string_view::npos ? body.size() : end + 1;
        continue;
      }
      if (!is_identifier_start(c) || (i > 0 && (is_identifier_char(body[i - 1]) || body[i - 1] == '.'))) {
        ++i;
        continue;
      }
      std::string name;
      size_t j = i;
      while (j < body.size() && is_identifier_char(body[j])) name.push_back(body[j++]);
      // Filter and test names follow '|' and 'is'; they name functions, not values.
      size_t before = body.find_last_not_of(" \t\n", i == 0 ? std::string_view::npos : i - 1);
      bool after_pipe = i > 0 && before != std::string_view::npos && body[before] == '|';
      bool after_is = i > 0 && before != std::string_view::npos && before >= 1 && body.substr(before - 1, 2) == "is" &&
                      (before < 2 || !is_identifier_char(body[before - 2]));
      while (j < body.size()) {
        if (body[j] == '.' && j + 1 < body.size() && is_identifier_start(body[j + 1])) {
          name.push_back('.');
          ++j;
          while (j < body.size() && is_identifier_char(body[j])) name.push_back(body[j++]);
        } else if (body[j] == '[' && j + 1 < body.size() && (body[j + 1] == '\'' || body[j + 1] == '"')) {
          size_t end = body.find(body[j + 1], j + 2);
          if (end == std::string_view::npos || end + 1 >= body.size() || body[end + 1] != ']') break;
          name += "." + std::string(body.substr(j + 2, end - j - 2));
          j = end + 2;
        } else {
          break;
        }
      }
      static const std::set<std::string> kKeywords = {
          "if", "elif", "else", "endif", "for", "endfor", "in", "not", "and", "or", "is", "set", "endset",
          "true", "false", "none", "True", "False", "None", "loop", "raw", "endraw", "recursive"};
      if (!after_pipe && !after_is && !kKeywords.contains(name)) names.push_back(std::move(name));
      i = j;
    }
    pos = close;
  }
  return names;
}

Result<DefaultsPlan> DefaultsPlan::compile(const json& schema, const std::string& schema_file) {
  DefaultsPlan plan;
  std::function<Result<void>(const json&, std::vector<std::string>&, const std::string&)> walk;
  walk = [&](const json& node, std::vector<std::string>& path, const std::string& schema_pointer) -> Result<void> {
    auto props = node.find("properties");
    if (props == node.end() || !props->is_object()) return {};
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (!it->is_object()) continue;
      path.push_back(it.key());
      std::string pointer = schema_pointer + "/properties/" + it.key();
      if (auto d = it->find("default"); d != it->end()) {
        Entry entry;
        entry.path = path;
        entry.dotted = dotted(path);
        entry.pointer = json_pointer_of(path);
        entry.type = single_type(*it);
        if (d->is_string() && tmpl::looks_like_template(d->get_ref<const std::string&>())) {
          auto compiled = tmpl::Template::compile(d->get_ref<const std::string&>(), schema_file + "#" + pointer + "/default");
          if (!compiled) return fail(compiled.error());
          entry.tmpl = std::move(*compiled);
        } else {
          entry.literal = *d;
        }
        plan.entries_.push_back(std::move(entry));
      }
      if (auto items = it->find("items"); items != it->end() && items->is_object()) {
        if (contains_template(*items))
          return fail(Error::invalid(schema_file + "#" + pointer +
                                     "/items: template defaults are not supported inside array items"));
        plan.arrays_.push_back({path, *items});
      }
      if (auto r = walk(*it, path, pointer); !r) return r;
      path.pop_back();
    }
    return {};
  };
  std::vector<std::string> path;
  if (auto r = walk(schema, path, ""); !r) return fail(r.error());
  plan.build_tree();

  // Which template entries mention which others (by path, or a group containing it).
  for (size_t i = 0; i < plan.entries_.size(); ++i) {
    Entry& entry = plan.entries_[i];
    if (!entry.tmpl) continue;
    const json* prop = subschema_at(schema, entry.path);
    const std::string& text = (*prop)["default"].get_ref<const std::string&>();
    for (const auto& name : mentioned_names(text)) {
      for (size_t j = 0; j < plan.entries_.size(); ++j) {
        const Entry& other = plan.entries_[j];
        if (!other.tmpl) continue;
        bool exact = name == other.dotted;
        bool group = j != i && (other.dotted.starts_with(name + ".") || name.starts_with(other.dotted + "."));
        if ((exact || group) && std::find(entry.depends_on.begin(), entry.depends_on.end(), j) == entry.depends_on.end())
          entry.depends_on.push_back(j);
      }
    }
  }
  return plan;
}

void DefaultsPlan::build_tree() {
  // Entries are in pre-order with siblings sorted by name: a property's node,
  // if it exists already, is the last child of its parent.
  for (size_t i = 0; i < entries_.size(); ++i) {
    Node* node = &root_;
    for (const auto& key : entries_[i].path) {
      if (node->children.empty() || node->children.back().key != key) node->children.push_back({key});
      node = &node->children.back();
    }
    node->entry = static_cast<int>(i);
  }
  auto mark = [this](auto& self, Node& node) -> bool {
    for (Node& child : node.children) {
      bool literal = child.entry >= 0 && !entries_[static_cast<size_t>(child.entry)].tmpl;
      if (self(self, child) || literal) node.literal_below = true;
    }
    return node.literal_below;
  };
  mark(mark, root_);
}

// What looking each entry up from the root and setting it (find_path,
// set_path) would do, in one walk: a missing literal default is set, objects
// on the way to one are created (replacing a null), and where the values hold
// something else than an object the defaults below are left out. Missing
// template defaults are listed in the order of entries_.
void DefaultsPlan::fill_literals(json::object_t& object, const Node& node, std::vector<size_t>& missing) const {
  auto it = object.begin();
  for (const Node& child : node.children) {
    while (it != object.end() && it->first < child.key) ++it;
    json* value = nullptr;
    if (it != object.end() && it->first == child.key) {
      value = &it->second;
    } else if (child.entry >= 0) {
      const Entry& e = entries_[static_cast<size_t>(child.entry)];
      if (e.tmpl) {
        missing.push_back(static_cast<size_t>(child.entry));
      } else {
        it = object.emplace_hint(it, child.key, e.literal);
        value = &it->second;
      }
    }
    if (child.children.empty()) continue;
    if (!value || value->is_null()) {
      if (!child.literal_below) {
        list_templates(child, missing);
        continue;
      }
      if (value) {
        *value = json::object();
      } else {
        it = object.emplace_hint(it, child.key, json::object());
        value = &it->second;
      }
    }
    if (value->is_object()) fill_literals(value->get_ref<json::object_t&>(), child, missing);
    else list_templates(child, missing);
  }
}

// Every template default below `node`: missing, since `node` has no object to hold them.
void DefaultsPlan::list_templates(const Node& node, std::vector<size_t>& missing) const {
  for (const Node& child : node.children) {
    if (child.entry >= 0 && entries_[static_cast<size_t>(child.entry)].tmpl) missing.push_back(static_cast<size_t>(child.entry));
    list_templates(child, missing);
  }
}

Result<void> DefaultsPlan::order_and_check_cycles(const std::vector<size_t>& missing, std::vector<size_t>& order) const {
  std::vector<int> state(entries_.size(), 0);  // 0 unvisited, 1 on the stack, 2 done
  std::vector<bool> is_missing(entries_.size(), false);
  for (size_t i : missing) is_missing[i] = true;
  std::vector<size_t> stack;
  std::function<Result<void>(size_t)> visit = [&](size_t i) -> Result<void> {
    state[i] = 1;
    stack.push_back(i);
    for (size_t dep : entries_[i].depends_on) {
      if (!is_missing[dep]) continue;  // given by the user or the preset: no need to resolve
      if (state[dep] == 1) {
        std::string chain;
        auto start = std::find(stack.begin(), stack.end(), dep);
        for (auto it = start; it != stack.end(); ++it) chain += entries_[*it].dotted + " -> ";
        chain += entries_[dep].dotted;
        const Entry& e = entries_[dep];
        std::string hint = dep == i ? " (the default refers to the value itself: set " + e.dotted +
                                          " in the values or in the preset)"
                                    : "";
        return fail(Error::invalid(e.pointer + ": defaults depend on each other in a cycle: " + chain + hint));
      }
      if (state[dep] == 0)
        if (auto r = visit(dep); !r) return r;
    }
    stack.pop_back();
    state[i] = 2;
    order.push_back(i);
    return {};
  };
  for (size_t i : missing)
    if (state[i] == 0)
      if (auto r = visit(i); !r) return r;
  return {};
}

Result<json> DefaultsPlan::apply(json values, const json& extra) const {
  if (values.is_null()) values = json::object();
  if (!values.is_object()) return fail(Error::invalid("values must be a JSON object, got " + std::string(values.type_name())));

  // Literal defaults first (parents before children: entries are in pre-order),
  // so that template defaults can read them.
  std::vector<size_t> missing_templates;
  fill_literals(values.get_ref<json::object_t&>(), root_, missing_templates);
  std::vector<size_t> order;
  if (auto r = order_and_check_cycles(missing_templates, order); !r) return fail(r.error());

  if (!order.empty()) {
    // Render with release/app visible as top-level names, then take them out again.
    std::vector<std::string> added;
    for (auto it = extra.begin(); it != extra.end(); ++it) {
      if (values.contains(it.key())) continue;
      values[it.key()] = *it;
      added.push_back(it.key());
    }
    for (size_t i : order) {
      const Entry& e = entries_[i];
      if (find_path(values, e.path)) continue;
      auto value = e.tmpl->render_value(values);
      if (!value) {
        Error error = value.error();
        error.message = "default of " + e.pointer + ": " + error.message;
        return fail(std::move(error));
      }
      set_path(values, e.path, coerce(std::move(*value), e.type));
    }
    for (const auto& key : added) values.erase(key);
  }

  for (const auto& array : arrays_) {
    json* node = find_path(values, array.path);
    if (!node || !node->is_array()) continue;
    for (auto& element : *node) fill_literal_defaults(element, array.item_schema);
  }
  return values;
}

}  // namespace pier::catalog
