#include "store/secret_fields.h"

#include <algorithm>
#include <functional>

#include "catalog/values.h"

namespace pier::store {

namespace {

using nlohmann::json;

// The schemas that apply to one value: with $refs followed and the branches
// of allOf/anyOf/oneOf added, each schema once (a $ref cycle ends there).
using Applicable = std::vector<const json*>;

void add_applicable(const json* schema, const json& root, Applicable& out) {
  schema = catalog::follow_local_ref(schema, root);
  if (!schema || !schema->is_object()) return;
  if (std::find(out.begin(), out.end(), schema) != out.end()) return;
  out.push_back(schema);
  for (const char* combinator : {"allOf", "anyOf", "oneOf"}) {
    auto branches = schema->find(combinator);
    if (branches == schema->end() || !branches->is_array()) continue;
    for (const auto& branch : *branches) add_applicable(&branch, root, out);
  }
}

Applicable children(const Applicable& parents, const std::string& key, bool is_index, const json& root) {
  Applicable out;
  for (const json* parent : parents) add_applicable(catalog::child_subschema(parent, key, is_index, root), root, out);
  return out;
}

// Calls `visit(value, pointer)` for each secret value (not null) in `values`;
// stops at the first error.
using Visitor = std::function<Result<void>(json& value, const std::string& pointer)>;

Result<void> walk(json& value, const Applicable& schemas, const json& root, std::string& pointer, const Visitor& visit) {
  if (schemas.empty()) return {};
  if (std::any_of(schemas.begin(), schemas.end(), [](const json* s) { return is_secret_schema(*s); }))
    return value.is_null() ? Result<void>() : visit(value, pointer);
  const size_t length = pointer.size();
  if (value.is_object()) {
    for (auto& [key, child] : value.items()) {
      pointer += "/" + catalog::escape_pointer_token(key);
      auto done = walk(child, children(schemas, key, false, root), root, pointer, visit);
      pointer.resize(length);
      if (!done) return done;
    }
  } else if (value.is_array()) {
    Applicable items = children(schemas, "", true, root);
    for (size_t i = 0; i < value.size(); ++i) {
      pointer += "/" + std::to_string(i);
      auto done = walk(value[i], items, root, pointer, visit);
      pointer.resize(length);
      if (!done) return done;
    }
  }
  return {};
}

Result<json> transform(const json& values, const json& schema, const Visitor& visit) {
  json copy = values;
  Applicable top;
  add_applicable(&schema, schema, top);
  std::string pointer;
  if (auto done = walk(copy, top, schema, pointer, visit); !done) return fail(done.error());
  return copy;
}

std::string where(const std::string& pointer) { return "values " + (pointer.empty() ? std::string("/") : pointer); }

}  // namespace

bool is_secret_schema(const json& schema) {
  if (!schema.is_object()) return false;
  auto format = schema.find("format");
  if (format != schema.end() && format->is_string() && format->get_ref<const std::string&>() == "password") return true;
  auto write_only = schema.find("writeOnly");
  return write_only != schema.end() && write_only->is_boolean() && write_only->get<bool>();
}

std::vector<std::string> secret_value_pointers(const json& values, const json& schema) {
  std::vector<std::string> pointers;
  (void)transform(values, schema, [&](json&, const std::string& pointer) -> Result<void> {
    pointers.push_back(pointer);
    return {};
  });
  return pointers;
}

Result<json> seal_secret_values(const json& values, const json& schema, const SecretBox& box) {
  return transform(values, schema, [&](json& value, const std::string& pointer) -> Result<void> {
    std::string text;
    try {
      text = value.dump();
    } catch (const json::exception&) {
      return fail(Error::invalid(where(pointer) + ": a secret value that is not valid UTF-8"));
    }
    auto sealed = box.seal(text);
    std::fill(text.begin(), text.end(), '\0');
    if (!sealed) return fail(Error::make(sealed.error().code, where(pointer) + ": " + sealed.error().message));
    value = std::move(*sealed);
    return {};
  });
}

Result<json> open_secret_values(const json& values, const json& schema, const SecretBox& box) {
  return transform(values, schema, [&](json& value, const std::string& pointer) -> Result<void> {
    if (!value.is_string() || !SecretBox::looks_sealed(value.get_ref<const std::string&>())) return {};
    auto text = box.open(value.get_ref<const std::string&>());
    if (!text) return fail(Error::make(text.error().code, where(pointer) + ": " + text.error().message));
    json opened = json::parse(*text, nullptr, false);
    std::fill(text->begin(), text->end(), '\0');
    if (opened.is_discarded()) return fail(Error::invalid(where(pointer) + ": the sealed value is not JSON"));
    value = std::move(opened);
    return {};
  });
}

json mask_secret_values(const json& values, const json& schema) {
  auto masked = transform(values, schema, [](json& value, const std::string&) -> Result<void> {
    // An empty secret (no password set) hides nothing, and showing it as set would mislead.
    if (value != json("")) value = kMaskedValue;
    return {};
  });
  // The visitor cannot fail; keep the signature total all the same.
  return masked ? std::move(*masked) : json(kMaskedValue);
}

}  // namespace pier::store
