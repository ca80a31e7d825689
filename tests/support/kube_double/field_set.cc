#include "field_set.h"

namespace pier::testing::kube_double {

std::string PathElement::fields_v1_key() const {
  switch (type) {
    case Type::kField: return "f:" + text;
    case Type::kKey: return "k:" + text;
    case Type::kValue: return "v:" + text;
    case Type::kIndex: return "i:" + text;
  }
  return text;
}

std::string PathElement::to_string() const {
  switch (type) {
    case Type::kField:
      return "." + text;
    case Type::kKey: {
      std::string out = "[";
      nlohmann::json fields = nlohmann::json::parse(text, nullptr, false);
      bool first = true;
      if (fields.is_object()) {
        for (const auto& [name, value] : fields.items()) {
          if (!first) out += ",";
          first = false;
          out += name + "=" + value.dump();
        }
      }
      return out + "]";
    }
    case Type::kValue:
      return "[=" + text + "]";
    case Type::kIndex:
      return "[" + text + "]";
  }
  return text;
}

std::optional<PathElement> PathElement::from_fields_v1_key(std::string_view key) {
  if (key.size() < 2 || key[1] != ':') return std::nullopt;
  std::string rest(key.substr(2));
  switch (key[0]) {
    case 'f': return PathElement{Type::kField, rest};
    case 'i': return PathElement{Type::kIndex, rest};
    case 'k':
    case 'v': {
      // Re-dump so that equal keys compare equal whatever spacing the writer used.
      nlohmann::json parsed = nlohmann::json::parse(rest, nullptr, false);
      if (parsed.is_discarded()) return std::nullopt;
      return PathElement{key[0] == 'k' ? Type::kKey : Type::kValue, parsed.dump()};
    }
    default: return std::nullopt;
  }
}

std::string to_string(const FieldPath& path) {
  std::string out;
  for (const auto& element : path) out += element.to_string();
  return out;
}

void FieldSet::insert(const FieldPath& path) {
  FieldSet* node = this;
  for (const auto& element : path) node = &node->children[element];
  node->member = true;
}

bool FieldSet::has(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const auto& element : path) {
    node = node->find(element);
    if (!node) return false;
  }
  return node->member;
}

bool FieldSet::covers(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const auto& element : path) {
    node = node->find(element);
    if (!node) return false;
  }
  return !node->empty();
}

const FieldSet* FieldSet::find(const PathElement& element) const {
  auto it = children.find(element);
  return it == children.end() ? nullptr : &it->second;
}

void FieldSet::add(const FieldSet& other) {
  member = member || other.member;
  for (const auto& [element, child] : other.children) children[element].add(child);
}

void FieldSet::subtract(const FieldSet& other) {
  if (&other == this) {
    *this = FieldSet{};
    return;
  }
  if (other.member) member = false;
  for (const auto& [element, child] : other.children) {
    auto it = children.find(element);
    if (it == children.end()) continue;
    it->second.subtract(child);
    if (it->second.empty()) children.erase(it);
  }
}

FieldSet FieldSet::intersect(const FieldSet& other) const {
  FieldSet out;
  out.member = member && other.member;
  for (const auto& [element, child] : children) {
    const FieldSet* theirs = other.find(element);
    if (!theirs) continue;
    FieldSet common = child.intersect(*theirs);
    if (!common.empty()) out.children.emplace(element, std::move(common));
  }
  return out;
}

void FieldSet::for_each_member(const std::function<void(const FieldPath&)>& visit) const {
  FieldPath prefix;
  for_each_member(prefix, visit);
}

void FieldSet::for_each_member(FieldPath& prefix, const std::function<void(const FieldPath&)>& visit) const {
  if (member) visit(prefix);
  for (const auto& [element, child] : children) {
    prefix.push_back(element);
    child.for_each_member(prefix, visit);
    prefix.pop_back();
  }
}

size_t FieldSet::member_count() const {
  size_t count = member ? 1 : 0;
  for (const auto& [element, child] : children) count += child.member_count();
  return count;
}

nlohmann::json FieldSet::to_fields_v1() const {
  nlohmann::json out = nlohmann::json::object();
  if (member && !children.empty()) out["."] = nlohmann::json::object();
  for (const auto& [element, child] : children) out[element.fields_v1_key()] = child.to_fields_v1();
  return out;
}

FieldSet FieldSet::from_fields_v1(const nlohmann::json& encoded) {
  FieldSet set;
  if (!encoded.is_object()) return set;
  for (const auto& [key, value] : encoded.items()) {
    if (key == ".") {
      set.member = true;
      continue;
    }
    auto element = PathElement::from_fields_v1_key(key);
    if (!element) continue;
    FieldSet child = from_fields_v1(value);
    if (child.children.empty()) child.member = true;  // {} is a leaf
    set.children[*element].add(child);
  }
  return set;
}

}  // namespace pier::testing::kube_double
