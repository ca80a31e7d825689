#include "catalog/values.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace pier::catalog {

namespace {

using nlohmann::json;

struct Segment {
  std::string key;
  bool is_index = false;
  size_t index = 0;
};

// Splits "a.b\.c.list[2].x" into a, b.c, list, [2], x.
Result<std::vector<Segment>> split_path(std::string_view path, std::string_view expression) {
  std::vector<Segment> segments;
  std::string current;
  bool have_current = false;
  auto bad = [&](const std::string& why) {
    return fail(Error::invalid("--set " + std::string(expression) + ": " + why));
  };
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size()) {
      current.push_back(path[++i]);
      have_current = true;
    } else if (c == '.') {
      if (!have_current && (segments.empty() || !segments.back().is_index)) return bad("empty key in path");
      if (have_current) segments.push_back({std::move(current)});
      current.clear();
      have_current = false;
    } else if (c == '[') {
      if (have_current) segments.push_back({std::move(current)});
      current.clear();
      have_current = false;
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad("missing ']' in path");
      std::string_view digits = path.substr(i + 1, close - i - 1);
      size_t index = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
        return bad("array index must be a number, got [" + std::string(digits) + "]");
      if (index > 10000) return bad("array index " + std::to_string(index) + " is too large");
      segments.push_back({"", true, index});
      i = close;
    } else {
      current.push_back(c);
      have_current = true;
    }
  }
  if (have_current) segments.push_back({std::move(current)});
  else if (segments.empty() || !segments.back().is_index) return bad("empty key in path");
  return segments;
}

std::string schema_type(const json* schema) {
  if (!schema || !schema->is_object()) return "";
  auto it = schema->find("type");
  if (it != schema->end() && it->is_string()) return it->get<std::string>();
  return "";
}

Result<json> typed_value(std::string_view text, const json* schema, const std::string& where,
                         std::string_view expression) {
  std::string type = schema_type(schema);
  auto bad = [&](const std::string& expected) {
    return fail(Error::invalid("--set " + std::string(expression) + ": " + where + " expects " + expected +
                               ", got \"" + std::string(text) + "\""));
  };
  if (type == "string") return json(std::string(text));
  if (type == "boolean") {
    if (text == "true") return json(true);
    if (text == "false") return json(false);
    return bad("true or false");
  }
  if (type == "integer") {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return bad("an integer");
    return json(v);
  }
  if (type == "number") {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return bad("a number");
    return json(v);
  }
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (type == "array" || type == "object") {
    if (parsed.is_discarded() || (type == "array" ? !parsed.is_array() : !parsed.is_object()))
      return bad(type == "array" ? "a JSON array like [\"a\",\"b\"]" : "a JSON object like {\"k\":\"v\"}");
    return parsed;
  }
  if (!parsed.is_discarded()) return parsed;
  return json(std::string(text));
}

}  // namespace

void merge_values(json& base, const json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    auto existing = base.find(it.key());
    if (existing != base.end() && existing->is_object() && it->is_object()) merge_values(*existing, *it);
    else base[it.key()] = *it;
  }
}

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

std::string json_pointer_of(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) out += "/" + escape_pointer_token(s);
  return out;
}

const json* follow_local_ref(const json* node, const json& root_schema) {
  for (int hops = 0; node && node->is_object() && hops < 16; ++hops) {
    auto ref = node->find("$ref");
    if (ref == node->end()) return node;
    if (!ref->is_string() || !ref->get_ref<const std::string&>().starts_with("#")) return nullptr;
    try {
      node = &root_schema.at(json::json_pointer(ref->get<std::string>().substr(1)));
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return node;
}

const json* child_subschema(const json* schema, const std::string& key, bool is_index, const json& root_schema) {
  if (!schema || !schema->is_object()) return nullptr;
  if (is_index) {
    auto items = schema->find("items");
    return items != schema->end() && items->is_object() ? follow_local_ref(&*items, root_schema) : nullptr;
  }
  if (auto props = schema->find("properties"); props != schema->end() && props->is_object())
    if (auto p = props->find(key); p != props->end()) return follow_local_ref(&*p, root_schema);
  if (auto extra = schema->find("additionalProperties"); extra != schema->end() && extra->is_object())
    return follow_local_ref(&*extra, root_schema);
  return nullptr;
}

const json* subschema_at(const json& root_schema, const std::vector<std::string>& segments) {
  const json* node = follow_local_ref(&root_schema, root_schema);
  for (const auto& segment : segments) {
    const json* next = child_subschema(node, segment, false, root_schema);
    if (!next && !segment.empty() && std::all_of(segment.begin(), segment.end(), ::isdigit))
      next = child_subschema(node, segment, true, root_schema);
    node = next;
  }
  return node;
}

Result<void> apply_set(json& values, std::string_view expression, const json& schema) {
  size_t eq = expression.find('=');
  if (eq == std::string_view::npos)
    return fail(Error::invalid("--set " + std::string(expression) + ": expected path=value, e.g. jetty.replicas=3"));
  auto segments = split_path(expression.substr(0, eq), expression);
  if (!segments) return fail(segments.error());
  std::vector<std::string> names;
  for (const auto& s : *segments) names.push_back(s.is_index ? std::to_string(s.index) : s.key);
  auto value = typed_value(expression.substr(eq + 1), subschema_at(schema, names), json_pointer_of(names), expression);
  if (!value) return fail(value.error());

  if (!values.is_object()) values = json::object();
  json* node = &values;
  for (size_t i = 0; i < segments->size(); ++i) {
    const Segment& s = (*segments)[i];
    bool last = i + 1 == segments->size();
    if (s.is_index) {
      if (!node->is_array()) *node = json::array();
      while (node->size() <= s.index) node->push_back(nullptr);
      node = &(*node)[s.index];
    } else {
      if (!node->is_object()) *node = json::object();
      node = &(*node)[s.key];
    }
    if (last) *node = std::move(*value);
  }
  return {};
}

}  // namespace pier::catalog
