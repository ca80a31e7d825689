// Tests of py_ops.cc: Python's truthiness, ==, ordering, `in` and
// arithmetic on JSON values, called directly.
#include "template/py_ops.h"

#include <gtest/gtest.h>

#include "template/template_error.h"

namespace pier::tmpl::detail {
namespace {

using nlohmann::json;

std::string error_of(auto fn) {
  try {
    fn();
  } catch (const TemplateError& e) {
    return e.message;
  }
  return "no error";
}

TEST(PyOps, Truthiness) {
  for (const char* falsy : {"null", "false", "0", "0.0", "\"\"", "[]", "{}"}) EXPECT_FALSE(truthy(json::parse(falsy))) << falsy;
  for (const char* yes : {"true", "1", "-1", "0.5", "\"0\"", "[0]", "{\"a\": null}"}) EXPECT_TRUE(truthy(json::parse(yes))) << yes;
}

TEST(PyOps, EqualityIsNumericAcrossIntFloatAndBool) {
  EXPECT_TRUE(py_equal(json(1), json(1.0)));
  EXPECT_TRUE(py_equal(json(true), json(1)));
  EXPECT_FALSE(py_equal(json("1"), json(1)));
  EXPECT_TRUE(py_equal(json::parse("[1, {\"a\": true}]"), json::parse("[1.0, {\"a\": 1}]")));
  EXPECT_FALSE(py_equal(json::parse("{\"a\": 1}"), json::parse("{\"b\": 1}")));
  EXPECT_TRUE(py_equal(json(nullptr), json(nullptr)));
}

TEST(PyOps, Ordering) {
  EXPECT_TRUE(py_order(CompareOp::kLt, json(1), json(2.5)));
  EXPECT_TRUE(py_order(CompareOp::kLt, json("B"), json("a")));  // code point order
  EXPECT_TRUE(py_order(CompareOp::kLt, json::parse("[1, 2]"), json::parse("[1, 3]")));
  EXPECT_TRUE(py_order(CompareOp::kLt, json::parse("[1]"), json::parse("[1, 0]")));
  EXPECT_TRUE(py_order(CompareOp::kGe, json(2), json(2)));
  EXPECT_EQ(error_of([] { py_order(CompareOp::kGt, json("a"), json(1)); }),
            "'>' not supported between instances of 'str' and 'int'");
}

TEST(PyOps, Contains) {
  EXPECT_TRUE(py_contains(json("abc"), json("bc")));
  EXPECT_TRUE(py_contains(json::parse("[1, 2]"), json(2.0)));
  EXPECT_TRUE(py_contains(json::parse("{\"a\": 1}"), json("a")));
  EXPECT_FALSE(py_contains(json::parse("{\"a\": 1}"), json(1)));
  EXPECT_EQ(error_of([] { py_contains(json(5), json(1)); }), "argument of type 'int' is not iterable");
}

TEST(PyOps, Arithmetic) {
  EXPECT_EQ(binary(BinaryOp::kFloorDiv, json(-7), json(2)), json(-4));
  EXPECT_EQ(binary(BinaryOp::kMod, json(-7), json(2)), json(1));
  EXPECT_EQ(binary(BinaryOp::kMod, json(7), json(-2)), json(-1));
  EXPECT_EQ(binary(BinaryOp::kMod, json(-7.5), json(2)), json(0.5));
  EXPECT_EQ(binary(BinaryOp::kFloorDiv, json(-7.5), json(2)), json(-4.0));
  EXPECT_EQ(binary(BinaryOp::kDiv, json(4), json(2)), json(2.0));
  EXPECT_TRUE(binary(BinaryOp::kDiv, json(4), json(2)).is_number_float());
  EXPECT_EQ(binary(BinaryOp::kAdd, json(1), json(1.5)), json(2.5));
  EXPECT_EQ(binary(BinaryOp::kAdd, json(true), json(1)), json(2));
  EXPECT_EQ(binary(BinaryOp::kPow, json(2), json(10)), json(1024));
  EXPECT_EQ(binary(BinaryOp::kPow, json(2), json(-1)), json(0.5));
  EXPECT_EQ(binary(BinaryOp::kMul, json("ab"), json(2)), json("abab"));
  EXPECT_EQ(binary(BinaryOp::kMul, json(2), json::parse("[1]")), json::parse("[1, 1]"));
  EXPECT_EQ(binary(BinaryOp::kAdd, json::parse("[1]"), json::parse("[2]")), json::parse("[1, 2]"));
  EXPECT_EQ(negate(json(true)), json(-1));
  EXPECT_EQ(unary_plus(json(false)), json(0));
}

TEST(PyOps, ArithmeticErrors) {
  EXPECT_EQ(error_of([] { binary(BinaryOp::kSub, json("a"), json(1)); }), "unsupported operand type(s) for -: 'str' and 'int'");
  EXPECT_EQ(error_of([] { binary(BinaryOp::kMod, json(1.0), json(0)); }), "float modulo by zero");
  EXPECT_EQ(error_of([] { binary(BinaryOp::kAdd, json(INT64_MAX), json(1)); }),
            "integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of([] { negate(json(INT64_MIN)); }), "integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(error_of([] { binary(BinaryOp::kFloorDiv, json(INT64_MIN), json(-1)); }),
            "integer overflow (integers are limited to 64 bits)");
  EXPECT_EQ(binary(BinaryOp::kMod, json(INT64_MIN), json(-1)), json(0));
}

}  // namespace
}  // namespace pier::tmpl::detail
