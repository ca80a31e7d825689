// The table of filters and tests: every name a template may use, its
// parameters (Jinja2's / Ansible's names and defaults) and its function.
#include <algorithm>

#include "template/evaluator.h"
#include "template/filters.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

using nlohmann::json;

Param opt(std::string_view name, json default_value) { return Param{name, std::move(default_value), false, false}; }
Param req(std::string_view name) { return Param{name, nullptr, true, false}; }
Param kw(std::string_view name, json default_value) { return Param{name, std::move(default_value), false, true}; }

const std::vector<FilterDef>& filter_table() {
  static const std::vector<FilterDef> table = [] {
    std::vector<FilterDef> t = {
        // text
        {"lower", {}, filter_lower},
        {"upper", {}, filter_upper},
        {"capitalize", {}, filter_capitalize},
        {"title", {}, filter_title},
        {"replace", {req("old"), req("new"), opt("count", nullptr)}, filter_replace},
        {"trim", {opt("chars", nullptr)}, filter_trim},
        {"indent", {opt("width", 4), opt("first", false), opt("blank", false)}, filter_indent},
        {"center", {opt("width", 80)}, filter_center},
        {"quote", {}, filter_quote},
        {"string", {}, filter_string},
        {"format", {}, filter_format, true},
        {"split", {opt("sep", nullptr), opt("maxsplit", -1)}, filter_split},
        {"b64encode", {opt("encoding", "utf-8")}, filter_b64encode},
        {"b64decode", {opt("encoding", "utf-8")}, filter_b64decode},
        // sequences and mappings
        {"default", {opt("default_value", ""), opt("boolean", false)}, filter_default},
        {"d", {opt("default_value", ""), opt("boolean", false)}, filter_default},
        {"join", {opt("d", ""), opt("attribute", nullptr)}, filter_join},
        {"length", {}, filter_length},
        {"count", {}, filter_length},
        {"first", {}, filter_first},
        {"last", {}, filter_last},
        {"min", {opt("case_sensitive", false), opt("attribute", nullptr)}, filter_min},
        {"max", {opt("case_sensitive", false), opt("attribute", nullptr)}, filter_max},
        {"sort", {opt("reverse", false), opt("case_sensitive", false), opt("attribute", nullptr)}, filter_sort},
        {"unique", {opt("case_sensitive", false), opt("attribute", nullptr)}, filter_unique},
        {"list", {}, filter_list},
        {"reverse", {}, filter_reverse},
        {"sum", {opt("attribute", nullptr), opt("start", 0)}, filter_sum},
        {"dictsort", {opt("case_sensitive", false), opt("by", "key"), opt("reverse", false)}, filter_dictsort},
        {"items", {}, filter_items},
        {"dict2items", {opt("key_name", "key"), opt("value_name", "value")}, filter_dict2items},
        {"items2dict", {opt("key_name", "key"), opt("value_name", "value")}, filter_items2dict},
        {"combine", {kw("recursive", false), kw("list_merge", "replace")}, filter_combine, true},
        {"map", {opt("filter", nullptr), kw("attribute", nullptr), kw("default", nullptr)}, filter_map, true},
        {"select", {opt("test", nullptr)}, filter_select, true},
        {"reject", {opt("test", nullptr)}, filter_reject, true},
        {"selectattr", {req("attribute"), opt("test", nullptr)}, filter_selectattr, true},
        {"rejectattr", {req("attribute"), opt("test", nullptr)}, filter_rejectattr, true},
        // conversions and serialisation
        {"int", {opt("default", 0), opt("base", 10)}, filter_int},
        {"float", {opt("default", 0.0)}, filter_float},
        {"bool", {}, filter_bool},
        {"abs", {}, filter_abs},
        {"round", {opt("precision", 0), opt("method", "common")}, filter_round},
        {"to_json", {opt("indent", nullptr), opt("ensure_ascii", true), opt("sort_keys", false)}, filter_to_json},
        {"to_nice_json", {opt("indent", 4), opt("ensure_ascii", true), opt("sort_keys", true)}, filter_to_nice_json},
        {"tojson", {opt("indent", nullptr)}, filter_tojson},
        {"to_yaml", {opt("indent", 2)}, filter_to_yaml},
        {"to_nice_yaml", {opt("indent", 4)}, filter_to_nice_yaml},
        {"ternary", {req("true_val"), req("false_val"), opt("none_val", nullptr)}, filter_ternary},
        {"mandatory", {opt("msg", nullptr)}, filter_mandatory},
    };
    std::sort(t.begin(), t.end(), [](const FilterDef& a, const FilterDef& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<TestDef>& test_table();  // jinja_tests.cc

namespace {

std::string_view strip_namespace(std::string_view name) {
  constexpr std::string_view kPrefix = "ansible.builtin.";
  if (name.starts_with(kPrefix)) name.remove_prefix(kPrefix.size());
  return name;
}

template <class Def>
const Def* find_in(const std::vector<Def>& table, std::string_view name) {
  name = strip_namespace(name);
  const auto it = std::lower_bound(table.begin(), table.end(), name, [](const Def& d, std::string_view n) { return d.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

// Calls `def` with positional `args` at render time (map('upper'), select('odd')).
template <class Def>
FilterCall make_call(FilterCall& outer, const Def& def, std::string_view kind, Value input, std::vector<Value>& args,
                     bool variadic) {
  FilterCall call{outer.ev, outer.offset, std::move(input), {}, {}};
  std::vector<bool> given(def.params.size(), false);
  std::size_t next = 0;
  for (auto& arg : args) {
    while (next < def.params.size() && def.params[next].keyword_only) ++next;
    if (next < def.params.size()) {
      call.args[next] = std::move(arg);
      given[next++] = true;
    } else if (variadic) {
      call.extra.push_back(std::move(arg));
    } else {
      throw_error(std::string(kind) + " '" + std::string(def.name) + "' takes at most " + std::to_string(def.params.size()) +
                  " argument" + (def.params.size() == 1 ? "" : "s") + " (" + std::to_string(args.size()) + " given)");
    }
  }
  for (std::size_t i = 0; i < def.params.size(); ++i) {
    if (given[i]) {
      continue;
    } else if (def.params[i].required) {
      throw_error(std::string(kind) + " '" + std::string(def.name) + "' needs the argument '" + std::string(def.params[i].name) + "'");
    } else {
      call.args[i] = Value::borrow(def.params[i].default_value, true);
    }
  }
  return call;
}

}  // namespace

const FilterDef* find_filter(std::string_view name) { return find_in(filter_table(), name); }
const TestDef* find_test(std::string_view name) { return find_in(test_table(), name); }

Value apply_filter_by_name(FilterCall& outer, std::string_view name, Value input, std::vector<Value> args) {
  const FilterDef* def = find_filter(name);
  if (def == nullptr) throw_error("unknown filter '" + std::string(name) + "'");
  FilterCall call = make_call(outer, *def, "filter", std::move(input), args, def->variadic);
  return def->fn(call);
}

bool apply_test_by_name(FilterCall& outer, std::string_view name, Value input, std::vector<Value> args) {
  const TestDef* def = find_test(name);
  if (def == nullptr) throw_error("unknown test '" + std::string(name) + "'");
  FilterCall call = make_call(outer, *def, "test", std::move(input), args, false);
  return def->fn(call);
}

// ---- FilterCall helpers ----

const json& FilterCall::arg(std::size_t i) const { return ev.need(args[i]); }

bool FilterCall::arg_bool(std::size_t i) const { return ev.truthy(args[i]); }

long long FilterCall::arg_int(std::size_t i, std::string_view what) const {
  const json& j = arg(i);
  if (!j.is_number_integer() && !j.is_boolean()) {
    throw_error("'" + std::string(what) + "' must be an integer, not " + type_name(j));
  }
  return to_int64(j);
}

std::string FilterCall::arg_text(std::size_t i) const { return ev.text(args[i]); }

bool FilterCall::arg_is_none(std::size_t i) const { return args[i].is_json() && args[i].get().is_null(); }

}  // namespace pier::tmpl::detail
