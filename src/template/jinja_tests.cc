#include "template/jinja_tests.h"

#include <algorithm>
#include <cmath>

#include "template/evaluator.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

using nlohmann::json;

// The JSON of a test's input; false when the test is about the type and the
// input is not JSON (undefined, loop): isinstance() is false for those.
const json* as_json(const FilterCall& c) { return c.input.is_json() ? &c.input.get() : nullptr; }

bool test_defined(FilterCall& c) { return !c.input.is_undefined(); }
bool test_undefined(FilterCall& c) { return c.input.is_undefined(); }
bool test_none(FilterCall& c) { return as_json(c) && as_json(c)->is_null(); }
bool test_string(FilterCall& c) { return as_json(c) && as_json(c)->is_string(); }
bool test_number(FilterCall& c) { return as_json(c) && is_number(*as_json(c)); }
bool test_integer(FilterCall& c) { return as_json(c) && (as_json(c)->is_number_integer()); }
bool test_float(FilterCall& c) { return as_json(c) && as_json(c)->is_number_float(); }
bool test_boolean(FilterCall& c) { return as_json(c) && as_json(c)->is_boolean(); }
bool test_true(FilterCall& c) { return as_json(c) && as_json(c)->is_boolean() && as_json(c)->get<bool>(); }
bool test_false(FilterCall& c) { return as_json(c) && as_json(c)->is_boolean() && !as_json(c)->get<bool>(); }
bool test_mapping(FilterCall& c) { return as_json(c) && as_json(c)->is_object(); }
bool test_sequence(FilterCall& c) {
  return as_json(c) && (as_json(c)->is_string() || as_json(c)->is_structured());
}

bool test_iterable(FilterCall& c) {
  if (c.input.is_undefined()) {
    if (!c.input.lenient()) c.ev.fail_undefined(c.input);
    return true;
  }
  return as_json(c) && (as_json(c)->is_string() || as_json(c)->is_structured());
}

// value % divisor == 0 (or == 1 for odd), with Python's types and errors.
json modulo(FilterCall& c, const json& divisor) {
  const json& v = c.ev.need(c.input);
  if (v.is_string()) throw_error("not all arguments converted during string formatting");
  return binary(BinaryOp::kMod, v, divisor);
}

bool test_even(FilterCall& c) { return py_equal(modulo(c, json(2)), json(0)); }
bool test_odd(FilterCall& c) { return py_equal(modulo(c, json(2)), json(1)); }
bool test_divisibleby(FilterCall& c) { return py_equal(modulo(c, c.arg(0)), json(0)); }

bool equal(FilterCall& c) {
  const Value& other = c.args[0];
  if (c.input.is_undefined() || other.is_undefined()) {
    if (c.input.is_undefined() && !c.input.lenient()) c.ev.fail_undefined(c.input);
    if (other.is_undefined() && !other.lenient()) c.ev.fail_undefined(other);
    return c.input.is_undefined() && other.is_undefined();
  }
  return py_equal(c.ev.need(c.input), c.ev.need(other));
}

bool test_eq(FilterCall& c) { return equal(c); }
bool test_ne(FilterCall& c) { return !equal(c); }
bool test_lt(FilterCall& c) { return py_order(CompareOp::kLt, c.ev.need(c.input), c.arg(0)); }
bool test_le(FilterCall& c) { return py_order(CompareOp::kLe, c.ev.need(c.input), c.arg(0)); }
bool test_gt(FilterCall& c) { return py_order(CompareOp::kGt, c.ev.need(c.input), c.arg(0)); }
bool test_ge(FilterCall& c) { return py_order(CompareOp::kGe, c.ev.need(c.input), c.arg(0)); }
bool test_in(FilterCall& c) { return py_contains(c.arg(0), c.ev.need(c.input)); }

// str.islower() / str.isupper(): some cased letter, none of the other case.
bool case_test(FilterCall& c, bool lower) {
  const std::string s = c.ev.text(c.input);
  bool cased = false;
  for (char ch : s) {
    const bool is_lower = ch >= 'a' && ch <= 'z';
    const bool is_upper = ch >= 'A' && ch <= 'Z';
    if (lower ? is_upper : is_lower) return false;
    cased = cased || is_lower || is_upper;
  }
  return cased;
}

bool test_lower(FilterCall& c) { return case_test(c, true); }
bool test_upper(FilterCall& c) { return case_test(c, false); }

bool test_filter(FilterCall& c) {
  const json& name = c.ev.need(c.input);
  return name.is_string() && find_filter(name.get_ref<const std::string&>()) != nullptr;
}

bool test_test(FilterCall& c) {
  const json& name = c.ev.need(c.input);
  return name.is_string() && find_test(name.get_ref<const std::string&>()) != nullptr;
}

Param required(std::string_view name) { return Param{name, nullptr, true, false}; }

}  // namespace

const std::vector<TestDef>& test_table() {
  static const std::vector<TestDef> table = [] {
    std::vector<TestDef> t = {
        {"defined", {}, test_defined},
        {"undefined", {}, test_undefined},
        {"none", {}, test_none},
        {"string", {}, test_string},
        {"number", {}, test_number},
        {"integer", {}, test_integer},
        {"float", {}, test_float},
        {"boolean", {}, test_boolean},
        {"true", {}, test_true},
        {"false", {}, test_false},
        {"mapping", {}, test_mapping},
        {"sequence", {}, test_sequence},
        {"iterable", {}, test_iterable},
        {"even", {}, test_even},
        {"odd", {}, test_odd},
        {"divisibleby", {required("num")}, test_divisibleby},
        {"eq", {required("other")}, test_eq},
        {"equalto", {required("other")}, test_eq},
        {"==", {required("other")}, test_eq},
        {"ne", {required("other")}, test_ne},
        {"!=", {required("other")}, test_ne},
        {"lt", {required("other")}, test_lt},
        {"lessthan", {required("other")}, test_lt},
        {"<", {required("other")}, test_lt},
        {"le", {required("other")}, test_le},
        {"<=", {required("other")}, test_le},
        {"gt", {required("other")}, test_gt},
        {"greaterthan", {required("other")}, test_gt},
        {">", {required("other")}, test_gt},
        {"ge", {required("other")}, test_ge},
        {">=", {required("other")}, test_ge},
        {"in", {required("seq")}, test_in},
        {"lower", {}, test_lower},
        {"upper", {}, test_upper},
        {"filter", {}, test_filter},
        {"test", {}, test_test},
    };
    std::sort(t.begin(), t.end(), [](const TestDef& a, const TestDef& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

}  // namespace pier::tmpl::detail
