// The filters (`x | name(args)`) and tests (`x is name(args)`) templates can
// use: one table each, listed explicitly in filter_table.cc and
// jinja_tests.cc. The parser matches arguments to parameters at compile time
// so an unknown filter or a wrong argument is a compile error.
//
//   const FilterDef* f = find_filter("indent");   // params: width, first, blank
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "template/value.h"

namespace pier::tmpl::detail {

class Evaluator;

struct Param {
  std::string_view name;
  nlohmann::json default_value;  // used when the argument is not given
  bool required = false;
  bool keyword_only = false;     // positional arguments skip it (combine(a, b, recursive=true))
};

inline constexpr std::size_t kMaxParams = 4;

// Everything a filter or test function gets: its input, its arguments (one
// per parameter, defaults filled in) and the evaluator for helpers.
struct FilterCall {
  Evaluator& ev;
  std::uint32_t offset;  // of the filter / test name
  Value input;
  std::array<Value, kMaxParams> args;
  std::vector<Value> extra;  // further positional arguments (variadic filters)

  const nlohmann::json& arg(std::size_t i) const;  // the JSON value; undefined -> error
  bool arg_bool(std::size_t i) const;               // truthiness of argument i
  long long arg_int(std::size_t i, std::string_view what) const;
  std::string arg_text(std::size_t i) const;        // Python str() of argument i
  bool arg_is_none(std::size_t i) const;
};

using FilterFn = Value (*)(FilterCall& call);
using TestFn = bool (*)(FilterCall& call);

struct FilterDef {
  std::string_view name;
  std::vector<Param> params;
  FilterFn fn;
  bool variadic = false;  // accepts more positional arguments than params
};

struct TestDef {
  std::string_view name;
  std::vector<Param> params;
  TestFn fn;
};

// nullptr when unknown. "ansible.builtin.<name>" finds <name> too.
const FilterDef* find_filter(std::string_view name);
const TestDef* find_test(std::string_view name);

// Runs the filter named `name` (for map('upper')): used at render time.
Value apply_filter_by_name(FilterCall& outer, std::string_view name, Value input, std::vector<Value> args);
bool apply_test_by_name(FilterCall& outer, std::string_view name, Value input, std::vector<Value> args);

// ---- the filter functions, grouped by file ----
// filters_text.cc
Value filter_lower(FilterCall& c);
Value filter_upper(FilterCall& c);
Value filter_capitalize(FilterCall& c);
Value filter_title(FilterCall& c);
Value filter_replace(FilterCall& c);
Value filter_trim(FilterCall& c);
Value filter_indent(FilterCall& c);
Value filter_center(FilterCall& c);
Value filter_quote(FilterCall& c);
Value filter_string(FilterCall& c);
Value filter_format(FilterCall& c);
Value filter_split(FilterCall& c);
Value filter_b64encode(FilterCall& c);
Value filter_b64decode(FilterCall& c);
// filters_seq.cc
Value filter_default(FilterCall& c);
Value filter_join(FilterCall& c);
Value filter_length(FilterCall& c);
Value filter_first(FilterCall& c);
Value filter_last(FilterCall& c);
Value filter_min(FilterCall& c);
Value filter_max(FilterCall& c);
Value filter_sort(FilterCall& c);
Value filter_unique(FilterCall& c);
Value filter_list(FilterCall& c);
Value filter_reverse(FilterCall& c);
Value filter_sum(FilterCall& c);
Value filter_dictsort(FilterCall& c);
Value filter_items(FilterCall& c);
Value filter_dict2items(FilterCall& c);
Value filter_items2dict(FilterCall& c);
Value filter_combine(FilterCall& c);
Value filter_map(FilterCall& c);
Value filter_select(FilterCall& c);
Value filter_reject(FilterCall& c);
Value filter_selectattr(FilterCall& c);
Value filter_rejectattr(FilterCall& c);
// filters_convert.cc
Value filter_int(FilterCall& c);
Value filter_float(FilterCall& c);
Value filter_bool(FilterCall& c);
Value filter_abs(FilterCall& c);
Value filter_round(FilterCall& c);
Value filter_to_json(FilterCall& c);
Value filter_to_nice_json(FilterCall& c);
Value filter_tojson(FilterCall& c);
Value filter_to_yaml(FilterCall& c);
Value filter_to_nice_yaml(FilterCall& c);
Value filter_ternary(FilterCall& c);
Value filter_mandatory(FilterCall& c);

}  // namespace pier::tmpl::detail
