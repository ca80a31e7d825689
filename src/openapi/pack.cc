#include "openapi/pack.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "openapi/kind_index.h"

namespace pier::openapi {

namespace {

using nlohmann::json;

constexpr std::string_view kRefPrefix = "#/definitions/";

bool flag(const json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

std::string string_field(const json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "#/definitions/a~1b" -> "a/b" (JSON pointer escapes).
std::string unescape_pointer(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

class Packer {
 public:
  explicit Packer(const json& definitions) : definitions_(definitions) {
    for (const auto& [name, schema] : definitions.items()) names_.push_back(name);  // already sorted
    for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], static_cast<std::int32_t>(i));
  }

  Result<PackedStorage> run(const std::vector<KindEntry>& kinds, std::string version) {
    // Node i is definition i, so a $ref resolves before its target is built.
    out_.nodes.resize(names_.size());
    std::vector<std::int32_t> alias(names_.size(), kNoNode);
    for (std::size_t i = 0; i < names_.size(); ++i) {
      const json& schema = unwrap(definitions_.at(names_[i]));
      const std::string where = "definitions[\"" + names_[i] + "\"]";
      if (!schema.is_object()) return fail(Error::invalid(where + ": a schema must be an object"));
      if (schema.contains("$ref")) {
        alias[i] = node_for(schema, where);
      } else {
        PackedNode node = build(schema, where, names_[i]);
        out_.nodes[i] = node;
      }
      if (!error_.empty()) return fail(Error::invalid(error_));
    }
    for (std::size_t i = 0; i < names_.size(); ++i) {
      std::int32_t target = alias[i];
      for (int hops = 0; target != kNoNode && alias[target] != kNoNode && hops < 64; ++hops) target = alias[target];
      if (target != kNoNode && alias[target] == kNoNode) out_.nodes[i] = out_.nodes[target];  // a cycle stays kAny
    }
    for (std::size_t i = 0; i < names_.size(); ++i) {
      out_.definitions.push_back({intern(names_[i]), static_cast<std::int32_t>(i)});
    }
    for (const KindEntry& k : kinds) {
      auto it = index_.find(k.definition);
      if (it == index_.end()) continue;
      out_.kinds.push_back({intern(k.group), intern(k.version), intern(k.kind), static_cast<std::uint32_t>(it->second),
                            k.namespaced, k.served});
    }
    out_.version = std::move(version);
    return std::move(out_);
  }

 private:
  // A schema that is only `allOf: [X]` is X.
  static const json& unwrap(const json& schema) {
    if (!schema.is_object() || schema.contains("type") || schema.contains("properties") || schema.contains("$ref"))
      return schema;
    auto all_of = schema.find("allOf");
    return all_of != schema.end() && all_of->is_array() && all_of->size() == 1 ? unwrap(all_of->front()) : schema;
  }

  StrRef intern(const std::string& s) {
    auto [it, inserted] = strings_.try_emplace(s);
    if (inserted) {
      it->second = {static_cast<std::uint32_t>(out_.strings.size()), static_cast<std::uint32_t>(s.size())};
      out_.strings += s;
    }
    return it->second;
  }

  void set_error(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  // The node index for a schema used somewhere inside a definition.
  std::int32_t node_for(const json& raw, const std::string& where) {
    const json& schema = unwrap(raw);
    if (!schema.is_object()) return any_node();  // e.g. `items: [..]` tuples or boolean schemas
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      std::string target = ref->is_string() ? ref->get<std::string>() : std::string();
      if (!target.starts_with(kRefPrefix)) {
        set_error(where + ": unsupported $ref " + ref->dump() + " (only \"#/definitions/...\")");
        return any_node();
      }
      auto it = index_.find(unescape_pointer(std::string_view(target).substr(kRefPrefix.size())));
      if (it == index_.end()) {
        set_error(where + ": $ref \"" + target + "\" names no definition");
        return any_node();
      }
      return it->second;
    }
    PackedNode node = build(schema, where, {});
    if (node.property_count != 0) {
      out_.nodes.push_back(node);
      return static_cast<std::int32_t>(out_.nodes.size() - 1);
    }
    return leaf(node);
  }

  // Leaves (nodes without properties) are shared: there are thousands of
  // `{"type": "string"}` but one node.
  std::int32_t leaf(const PackedNode& node) {
    auto key = std::tuple(node.type, node.format, node.open, node.element);
    auto [it, inserted] = leaves_.try_emplace(key, static_cast<std::int32_t>(out_.nodes.size()));
    if (inserted) out_.nodes.push_back(node);
    return it->second;
  }

  std::int32_t any_node() { return leaf(PackedNode{}); }

  PackedNode build(const json& schema, const std::string& where, std::string_view definition) {
    PackedNode node;
    const std::string type = string_field(schema, "type");
    const std::string format = string_field(schema, "format");
    const bool preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    if (definition == kQuantityDefinition) {
      node.type = NodeType::kQuantity;
    } else if (format == "int-or-string" || flag(schema, "x-kubernetes-int-or-string")) {
      node.type = NodeType::kIntOrString;
    } else if (type == "object" || (type.empty() && (schema.contains("properties") ||
                                                      schema.contains("additionalProperties")))) {
      build_object(schema, where, preserve, node);
    } else if (type == "array" || (type.empty() && schema.contains("items"))) {
      node.type = NodeType::kArray;
      if (auto items = schema.find("items"); items != schema.end()) node.element = node_for(*items, where + ".items");
    } else if (type == "string") {
      node.type = NodeType::kString;
      if (format == "byte") node.format = NodeFormat::kByte;
    } else if (type == "integer") {
      node.type = NodeType::kInteger;
      node.format = format == "int32" ? NodeFormat::kInt32 : NodeFormat::kInt64;
    } else if (type == "number") {
      node.type = NodeType::kNumber;
    } else if (type == "boolean") {
      node.type = NodeType::kBoolean;
    }  // else: no type, or one we do not check ("null", a list of types): kAny
    return node;
  }

  void build_object(const json& schema, const std::string& where, bool preserve, PackedNode& node) {
    node.type = NodeType::kObject;
    struct Prop {
      std::string name;
      std::int32_t node;
      bool required;
    };
    std::vector<Prop> props;
    if (auto properties = schema.find("properties"); properties != schema.end()) {
      if (!properties->is_object()) return set_error(where + ".properties: expected an object");
      for (const auto& [name, sub] : properties->items()) {
        props.push_back({name, node_for(sub, where + ".properties." + name), false});
      }
    }
    if (auto required = schema.find("required"); required != schema.end()) {
      if (!required->is_array()) return set_error(where + ".required: expected a list of names");
      for (const auto& name : *required) {
        if (!name.is_string()) return set_error(where + ".required: expected a list of names");
        auto it = std::find_if(props.begin(), props.end(), [&](const Prop& p) { return p.name == name.get_ref<const std::string&>(); });
        if (it == props.end()) {
          props.push_back({name.get<std::string>(), any_node(), true});  // required but not described
        } else {
          it->required = true;
        }
      }
    }
    auto additional = schema.find("additionalProperties");
    if (additional == schema.end()) {
      node.open = props.empty();
    } else if (additional->is_boolean()) {
      node.open = additional->get<bool>();
    } else {
      node.element = node_for(*additional, where + ".additionalProperties");
    }
    node.open = node.open || preserve;
    std::sort(props.begin(), props.end(), [](const Prop& a, const Prop& b) { return a.name < b.name; });
    node.first_property = static_cast<std::uint32_t>(out_.properties.size());
    node.property_count = static_cast<std::uint32_t>(props.size());
    for (const Prop& p : props) out_.properties.push_back({intern(p.name), p.node, p.required});
  }

  const json& definitions_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::int32_t> index_;
  std::unordered_map<std::string, StrRef> strings_;
  std::map<std::tuple<NodeType, NodeFormat, bool, std::int32_t>, std::int32_t> leaves_;
  PackedStorage out_;
  std::string error_;
};

}  // namespace

Result<PackedStorage> pack_document(const json& document, std::string_view fallback_version) {
  if (!document.is_object()) return fail(Error::invalid("an OpenAPI document must be a JSON object"));
  if (document.contains("openapi"))
    return fail(Error::invalid("this is an OpenAPI v3 document; use the cluster's /openapi/v2 (Swagger 2.0) document"));
  auto definitions = document.find("definitions");
  if (definitions == document.end() || !definitions->is_object())
    return fail(Error::invalid("not an OpenAPI v2 document: no \"definitions\" object"));
  std::string version;
  if (auto info = document.find("info"); info != document.end() && info->is_object()) version = string_field(*info, "version");
  if ((version.empty() || version == "unversioned") && !fallback_version.empty()) version = fallback_version;
  if (version.empty()) version = "unversioned";
  return Packer(*definitions).run(collect_kinds(document), std::move(version));
}

std::string version_in_file_name(std::string_view name) {
  auto digits = [&](std::size_t pos) {
    std::size_t end = pos;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    return end - pos;
  };
  for (std::size_t v = name.find('v'); v != std::string_view::npos; v = name.find('v', v + 1)) {
    std::size_t pos = v + 1;
    bool ok = true;
    for (int part = 0; part < 3 && ok; ++part) {
      if (part > 0) ok = pos < name.size() && name[pos++] == '.';
      const std::size_t n = ok ? digits(pos) : 0;
      ok = ok && n > 0;
      pos += n;
    }
    if (ok) return std::string(name.substr(v, pos - v));
  }
  return {};
}

}  // namespace pier::openapi
