// Schema defaults, including defaults that are templates over other values
// (the seed's `"default": "{{global.org}}"`), compiled once per app.
//
//   auto plan = DefaultsPlan::compile(schema, "catalog/jetty/schema.json");
//   auto values = plan->apply(given_values, {{"release", ...}, {"app", ...}});
//
// Rules (docs/catalog.md): a property missing from the given values takes its
// default. A default that is a string with `{{`, `{%` or `{#` is a template,
// rendered against the other values (given ones, else their own defaults,
// resolved first) plus the `extra` names (release, app). A default that is one
// `{{ expression }}` keeps the expression's type; other template text is a
// string, converted to the property's integer/number/boolean type when it
// parses as one. Defaults that depend on each other in a circle are an error
// naming the chain.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "template/template.h"

namespace pier::catalog {

class DefaultsPlan {
 public:
  // Errors: a template default that does not compile (named by the schema
  // file and the JSON pointer of the default), a template default inside an
  // array's items.
  static Result<DefaultsPlan> compile(const nlohmann::json& schema, const std::string& schema_file);

  // Fills in every missing default. `extra` is an object of further names the
  // templates may use (release, app); they are not part of the result.
  Result<nlohmann::json> apply(nlohmann::json values, const nlohmann::json& extra) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<std::string> path;  // property names from the root
    std::string dotted;             // "jetty.jvm_xms"
    std::string pointer;            // "/jetty/jvm_xms"
    std::string type;               // the property's schema "type", if a single one
    nlohmann::json literal;         // when not a template
    std::optional<tmpl::Template> tmpl;
    std::vector<size_t> depends_on;  // other template entries this one mentions
  };
  struct ArrayItems {
    std::vector<std::string> path;  // where the array is
    nlohmann::json item_schema;     // literal defaults inside each item
  };
  // The entries as a tree of property names. Children are sorted by name,
  // as the keys of a JSON object are, so that apply() walks the values and
  // the tree side by side instead of looking each path up from the root.
  struct Node {
    std::string key;
    int entry = -1;              // index in entries_, or -1: no default here, only below
    bool literal_below = false;  // some descendant has a literal default
    std::vector<Node> children;
  };
  std::vector<Entry> entries_;
  std::vector<ArrayItems> arrays_;
  Node root_;

  void build_tree();
  void fill_literals(nlohmann::json::object_t& object, const Node& node, std::vector<size_t>& missing) const;
  void list_templates(const Node& node, std::vector<size_t>& missing) const;
  Result<void> order_and_check_cycles(const std::vector<size_t>& missing, std::vector<size_t>& order) const;
};

// Dotted names that a template's expressions mention: "{{ a.b ~ c['d'] }}"
// mentions "a.b" and "c.d". Used to order defaults and find cycles.
std::vector<std::string> mentioned_names(std::string_view template_text);

}  // namespace pier::catalog
