// Python semantics for JSON values: truthiness, ==, ordering, `in` and the
// arithmetic operators, as Jinja2 inherits them from Python.
//
//   truthy(json::array())                    // false
//   py_equal(json(1), json(1.0))              // true (and 1 == True)
//   binary(BinaryOp::kFloorDiv, -7, 2)        // -4
//   binary(BinaryOp::kAdd, "a", 1)            // throws: can only concatenate str (not "int") to str
//
// Errors are thrown as TemplateError without a position; the evaluator adds
// the position of the operator.
#pragma once

#include <nlohmann/json.hpp>

#include "template/ast.h"

namespace pier::tmpl::detail {

// Strings and lists that a template builds (`*`, `+`, `~`, join, indent,
// replace, the characters of a string...) may not grow past this many bytes
// or items, so a template cannot exhaust memory with 'x' * 10**12.
inline constexpr std::size_t kMaxSequenceSize = 1'000'000;

bool truthy(const nlohmann::json& value);
bool py_equal(const nlohmann::json& a, const nlohmann::json& b);

// a <op> b for <, <=, >, >= (TypeError for unordered types).
bool py_order(CompareOp op, const nlohmann::json& a, const nlohmann::json& b);

// Python's sort order of two values: negative, zero or positive.
int py_compare(const nlohmann::json& a, const nlohmann::json& b, const char* op = "<");

// `item in container`
bool py_contains(const nlohmann::json& container, const nlohmann::json& item);

nlohmann::json binary(BinaryOp op, const nlohmann::json& a, const nlohmann::json& b);
nlohmann::json negate(const nlohmann::json& a);
nlohmann::json unary_plus(const nlohmann::json& a);

bool is_number(const nlohmann::json& value);  // int, float or bool (bool is an int in Python)

// The value as a 64-bit integer (bool -> 0/1); throws for other types and
// for unsigned values beyond the signed range.
long long to_int64(const nlohmann::json& value);
double to_double(const nlohmann::json& value);  // any number

}  // namespace pier::tmpl::detail
