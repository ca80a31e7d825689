// Tests of value_format.cc: Python's str() and repr() of JSON values.
// Expected strings are what Python 3.11 prints.
#include "template/value_format.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "template/template_error.h"

namespace pier::tmpl::detail {
namespace {

std::string float_str(double d) {
  std::string out;
  append_float(out, d);
  return out;
}

TEST(ValueFormat, FloatsLikePythonRepr) {
  EXPECT_EQ(float_str(1.0), "1.0");
  EXPECT_EQ(float_str(-1.5), "-1.5");
  EXPECT_EQ(float_str(0.0), "0.0");
  EXPECT_EQ(float_str(-0.0), "-0.0");
  EXPECT_EQ(float_str(0.1), "0.1");
  EXPECT_EQ(float_str(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(float_str(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(float_str(1e16), "1e+16");
  EXPECT_EQ(float_str(1e15), "1000000000000000.0");
  EXPECT_EQ(float_str(1.5e16), "1.5e+16");
  EXPECT_EQ(float_str(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(float_str(12345678901234567.0), "1.2345678901234568e+16");
  EXPECT_EQ(float_str(0.0001), "0.0001");
  EXPECT_EQ(float_str(0.00001), "1e-05");
  EXPECT_EQ(float_str(0.000123), "0.000123");
  EXPECT_EQ(float_str(1.5e-7), "1.5e-07");
  EXPECT_EQ(float_str(1e100), "1e+100");
  EXPECT_EQ(float_str(5e-324), "5e-324");
  EXPECT_EQ(float_str(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(float_str(123456789.123), "123456789.123");
  EXPECT_EQ(float_str(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(float_str(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(float_str(std::nan("")), "nan");
}

TEST(ValueFormat, StrOfScalars) {
  EXPECT_EQ(to_str(nlohmann::json(nullptr)), "None");
  EXPECT_EQ(to_str(nlohmann::json(true)), "True");
  EXPECT_EQ(to_str(nlohmann::json(false)), "False");
  EXPECT_EQ(to_str(nlohmann::json(-42)), "-42");
  EXPECT_EQ(to_str(nlohmann::json(18446744073709551615ULL)), "18446744073709551615");
  EXPECT_EQ(to_str(nlohmann::json("it's")), "it's");
}

TEST(ValueFormat, ReprOfContainers) {
  const auto v = nlohmann::json::parse(R"([1, "a", true, null, 1.5, {"k": "it's", "b": []}, "x\"y"])");
  EXPECT_EQ(to_str(v), R"([1, 'a', True, None, 1.5, {'b': [], 'k': "it's"}, 'x"y'])");
  EXPECT_EQ(to_str(nlohmann::json::object()), "{}");
  EXPECT_EQ(to_str(nlohmann::json::array()), "[]");
}

TEST(ValueFormat, StringReprQuotingAndEscapes) {
  auto repr = [](std::string_view s) {
    std::string out;
    append_string_repr(out, s);
    return out;
  };
  EXPECT_EQ(repr("abc"), "'abc'");
  EXPECT_EQ(repr("it's"), "\"it's\"");
  EXPECT_EQ(repr("x\"y"), "'x\"y'");
  EXPECT_EQ(repr("x'\"y"), "'x\\'\"y'");
  EXPECT_EQ(repr("a\\b"), "'a\\\\b'");
  EXPECT_EQ(repr("\n\t\r\x01\x7f"), "'\\n\\t\\r\\x01\\x7f'");
  EXPECT_EQ(repr("\xc2\xa0é\u200b€"), "'\\xa0é\\u200b€'");
  EXPECT_EQ(repr("\xff"), "'\\udcff'");  // invalid UTF-8, as Python's surrogateescape
}

TEST(ValueFormat, TypeNames) {
  EXPECT_STREQ(type_name(nlohmann::json(nullptr)), "NoneType");
  EXPECT_STREQ(type_name(nlohmann::json(1)), "int");
  EXPECT_STREQ(type_name(nlohmann::json(1.0)), "float");
  EXPECT_STREQ(type_name(nlohmann::json::object()), "dict");
  EXPECT_EQ(object_type_repr(nlohmann::json(nullptr)), "None");
  EXPECT_EQ(object_type_repr(nlohmann::json::array()), "list object");
}

TEST(ValueFormat, DeepValuesAreRefused) {
  nlohmann::json v = 1;
  for (int i = 0; i < 300; ++i) v = nlohmann::json::array({v});
  try {
    to_str(v);
    FAIL() << "expected an error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message, "value is nested too deeply (more than 256 levels)");
  }
}

}  // namespace
}  // namespace pier::tmpl::detail
