#include "catalog/schema_lint.h"

#include <algorithm>
#include <array>
#include <set>

#include "catalog/pattern.h"
#include "catalog/values.h"
#include "catalog/values_validator.h"
#include "common/suggest.h"

namespace pier::catalog {

namespace {

using nlohmann::json;

const std::set<std::string>& draft7_keywords() {
  static const std::set<std::string> keywords = {
      "$schema", "$id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly", "examples",
      "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
      "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties", "minProperties",
      "required", "additionalProperties", "definitions", "properties", "patternProperties", "dependencies",
      "propertyNames", "const", "enum", "type", "format", "contentMediaType", "contentEncoding", "if", "then", "else",
      "allOf", "anyOf", "oneOf", "not"};
  return keywords;
}

const std::set<std::string>& type_names() {
  static const std::set<std::string> names = {"null", "boolean", "object", "array", "number", "string", "integer"};
  return names;
}

std::string suggestion(const std::string& word, const std::set<std::string>& known) {
  std::vector<std::string_view> names(known.begin(), known.end());
  auto best = closest_name(word, names);
  return best ? " (did you mean \"" + *best + "\"?)" : "";
}

struct Linter {
  const json& root;
  std::string file;
  std::vector<ErrorDetail> problems;

  void report(const std::string& pointer, const std::string& message) {
    problems.push_back({file + "#" + pointer, message});
  }

  void non_negative_integer(const json& node, const char* key, const std::string& pointer) {
    auto it = node.find(key);
    if (it == node.end()) return;
    if (!it->is_number_integer() && !it->is_number_unsigned()) report(pointer + "/" + key, "must be a non-negative integer");
    else if (it->is_number_integer() && it->get<int64_t>() < 0) report(pointer + "/" + key, "must be a non-negative integer");
  }

  void number(const json& node, const char* key, const std::string& pointer) {
    auto it = node.find(key);
    if (it != node.end() && !it->is_number()) report(pointer + "/" + key, "must be a number");
  }

  void schema(const json& node, const std::string& pointer) {
    if (node.is_boolean()) return;
    if (!node.is_object()) {
      report(pointer, "a schema must be an object or a boolean");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& key = it.key();
      if (!draft7_keywords().contains(key) && !key.starts_with("x-"))
        report(pointer + "/" + escape_pointer_token(key), "unknown JSON Schema keyword \"" + key + "\"" + suggestion(key, draft7_keywords()));
    }
    if (auto t = node.find("type"); t != node.end()) {
      auto check = [&](const json& name) {
        if (!name.is_string() || !type_names().contains(name.get<std::string>()))
          report(pointer + "/type", "unknown type " + name.dump() + ": expected one of null, boolean, object, array, number, string, integer");
      };
      if (t->is_array()) {
        if (t->empty()) report(pointer + "/type", "must not be empty");
        for (const auto& name : *t) check(name);
      } else {
        check(*t);
      }
    }
    for (const char* key : {"title", "description", "format", "$comment", "$id", "contentMediaType", "contentEncoding"})
      if (auto it = node.find(key); it != node.end() && !it->is_string()) report(pointer + "/" + key, "must be a string");
    for (const char* key : {"readOnly", "writeOnly", "uniqueItems"})
      if (auto it = node.find(key); it != node.end() && !it->is_boolean()) report(pointer + "/" + key, "must be true or false");
    for (const char* key : {"maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties"})
      non_negative_integer(node, key, pointer);
    for (const char* key : {"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"}) number(node, key, pointer);
    if (auto it = node.find("multipleOf"); it != node.end() && (!it->is_number() || it->get<double>() <= 0))
      report(pointer + "/multipleOf", "must be a number greater than 0");
    if (auto it = node.find("pattern"); it != node.end()) {
      if (!it->is_string()) {
        report(pointer + "/pattern", "must be a string (an ECMA-262 regular expression)");
      } else {
        if (auto compiled = Pattern::compile(it->get_ref<const std::string&>()); !compiled)
          report(pointer + "/pattern", "invalid regular expression " + it->dump() + ": " + compiled.error().message);
      }
    }
    if (auto it = node.find("required"); it != node.end()) {
      std::set<std::string> names;
      if (!it->is_array()) report(pointer + "/required", "must be an array of property names");
      else
        for (const auto& name : *it) {
          if (!name.is_string()) report(pointer + "/required", "must be an array of strings");
          else if (!names.insert(name.get<std::string>()).second) report(pointer + "/required", "lists " + name.dump() + " twice");
        }
    }
    if (auto it = node.find("enum"); it != node.end() && (!it->is_array() || it->empty()))
      report(pointer + "/enum", "must be a non-empty array");
    if (auto it = node.find("$ref"); it != node.end()) {
      if (!it->is_string()) {
        report(pointer + "/$ref", "must be a string");
      } else {
        const std::string& ref = it->get_ref<const std::string&>();
        bool ok = false;
        if (ref.starts_with("#")) {
          try {
            (void)root.at(json::json_pointer(ref.substr(1)));
            ok = true;
          } catch (const json::exception&) {
          }
        }
        if (!ok) report(pointer + "/$ref", "cannot resolve \"" + ref + "\" (only local references like \"#/definitions/port\")");
      }
    }
    for (const char* key : {"properties", "definitions", "patternProperties"}) {
      auto it = node.find(key);
      if (it == node.end()) continue;
      if (!it->is_object()) {
        report(pointer + "/" + key, "must be an object of schemas");
        continue;
      }
      for (auto p = it->begin(); p != it->end(); ++p) schema(*p, pointer + "/" + key + "/" + escape_pointer_token(p.key()));
    }
    for (const char* key : {"additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if", "then", "else"})
      if (auto it = node.find(key); it != node.end()) schema(*it, pointer + "/" + key);
    if (auto it = node.find("items"); it != node.end()) {
      if (it->is_array())
        for (size_t i = 0; i < it->size(); ++i) schema((*it)[i], pointer + "/items/" + std::to_string(i));
      else schema(*it, pointer + "/items");
    }
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      auto it = node.find(key);
      if (it == node.end()) continue;
      if (!it->is_array() || it->empty()) {
        report(pointer + "/" + key, "must be a non-empty array of schemas");
        continue;
      }
      for (size_t i = 0; i < it->size(); ++i) schema((*it)[i], pointer + "/" + key + "/" + std::to_string(i));
    }
  }

  // A literal default must itself be valid for its property.
  void literal_default(const json& property, const std::string& pointer) {
    auto d = property.find("default");
    if (d == property.end()) return;
    if (d->is_string() && (d->get_ref<const std::string&>().find("{{") != std::string::npos ||
                           d->get_ref<const std::string&>().find("{%") != std::string::npos))
      return;  // a template: checked when samples render
    if (any_object(property, [](const json& n) { return n.contains("$ref"); })) return;
    auto validator = ValuesValidator::compile(property, file);
    if (!validator) return;  // the structural checks above already said why
    for (const auto& p : validator->validate(*d))
      report(pointer + "/default", "the default " + d->dump() + " breaks its own schema: " + p.message);
  }

  void fields(const json& node, const std::string& pointer, int depth) {
    auto props = node.find("properties");
    if (props == node.end() || !props->is_object()) return;
    for (auto it = props->begin(); it != props->end(); ++it) {
      std::string child = pointer + "/properties/" + escape_pointer_token(it.key());
      if (!it->is_object()) continue;
      static const std::set<std::string> kDictMethods = {"items", "keys", "values", "get", "update", "pop",
                                                         "popitem", "copy", "clear", "setdefault", "fromkeys"};
      if (kDictMethods.contains(it.key()))
        report(child, "field \"" + it.key() + "\" is named like a dict method: in Jinja2 `x." + it.key() +
                          "` is the method, not the value; choose another name");
      if (!it->contains("type") && !it->contains("$ref") && !it->contains("enum") && !it->contains("const"))
        report(child, "field \"" + it.key() + "\" has no type");
      if (!it->contains("title") && !it->contains("description") && !it->contains("$ref"))
        report(child, "field \"" + it.key() + "\" has neither title nor description: a form cannot label it");
      literal_default(*it, child);
      if (depth < 32) fields(*it, child, depth + 1);
    }
  }
};

const std::set<std::string>& rjsf_widgets() {
  static const std::set<std::string> widgets = {
      "text", "textarea", "password", "color", "email", "uri", "url", "date", "datetime", "time", "updown", "range",
      "radio", "select", "checkbox", "checkboxes", "hidden", "file", "alt-date", "alt-datetime", "switch"};
  return widgets;
}

void lint_ui_node(const json& ui, const json* schema, const json& root_schema, const std::string& pointer,
                  const std::string& file, std::vector<ErrorDetail>& problems) {
  if (!ui.is_object()) {
    problems.push_back({file + "#" + pointer, "expected an object (a uiSchema)"});
    return;
  }
  // Follow a local $ref so that ui keys can name the referenced schema's fields.
  schema = schema ? follow_local_ref(schema, root_schema) : nullptr;
  const json* props = nullptr;
  if (schema && schema->is_object()) {
    if (auto p = schema->find("properties"); p != schema->end() && p->is_object()) props = &*p;
  }
  for (auto it = ui.begin(); it != ui.end(); ++it) {
    const std::string& key = it.key();
    std::string child = pointer + "/" + escape_pointer_token(key);
    if (key == "ui:order") {
      if (!it->is_array()) {
        problems.push_back({file + "#" + child, "must be an array of field names"});
        continue;
      }
      for (const auto& name : *it) {
        if (!name.is_string()) problems.push_back({file + "#" + child, "must contain field names (strings)"});
        else if (name != "*" && (!props || !props->contains(name.get<std::string>())))
          problems.push_back({file + "#" + child, "names \"" + name.get<std::string>() + "\", which the schema does not have"});
      }
    } else if (key == "ui:widget") {
      if (!it->is_string() || !rjsf_widgets().contains(it->get<std::string>()))
        problems.push_back({file + "#" + child, "unknown widget " + it->dump()});
    } else if (key == "ui:options") {
      if (!it->is_object()) problems.push_back({file + "#" + child, "must be an object"});
      else if (auto adv = it->find("advanced"); adv != it->end() && !adv->is_boolean())
        problems.push_back({file + "#" + child + "/advanced", "must be true or false"});
    } else if (key.starts_with("ui:")) {
      continue;  // other rjsf keys (ui:help, ui:title, ui:placeholder, ...) are free text
    } else if (key == "items") {
      const json* items = schema && schema->is_object() && schema->contains("items") ? &(*schema)["items"] : nullptr;
      if (!items) problems.push_back({file + "#" + child, "\"items\" given, but the schema here is not an array"});
      else lint_ui_node(*it, items, root_schema, child, file, problems);
    } else if (!props || !props->contains(key)) {
      problems.push_back({file + "#" + child, "names field \"" + key + "\", which the schema does not have"});
    } else {
      lint_ui_node(*it, &(*props)[key], root_schema, child, file, problems);
    }
  }
}

}  // namespace

std::vector<ErrorDetail> lint_schema(const json& schema, const std::string& schema_file) {
  Linter linter{schema, schema_file, {}};
  if (!schema.is_object()) {
    linter.report("", "the schema must be an object");
    return linter.problems;
  }
  if (auto s = schema.find("$schema"); s != schema.end() && s->is_string() &&
                                        s->get<std::string>().find("draft-07") == std::string::npos)
    linter.report("/$schema", "expected the draft-07 meta-schema \"http://json-schema.org/draft-07/schema#\", got " + s->dump());
  if (schema.value("type", json()) != "object") linter.report("/type", "the root must have \"type\": \"object\"");
  if (!schema.contains("properties")) linter.report("", "the root has no \"properties\": no parameters to fill in");
  linter.schema(schema, "");
  linter.fields(schema, "", 0);
  return linter.problems;
}

std::vector<ErrorDetail> lint_ui(const json& ui, const json& schema, const std::string& ui_file) {
  std::vector<ErrorDetail> problems;
  lint_ui_node(ui, &schema, schema, "", ui_file, problems);
  return problems;
}

}  // namespace pier::catalog
