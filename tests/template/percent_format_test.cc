// Tests of percent_format.cc: Python's `"..." % args`. Expected strings are
// what Python 3.11 prints.
#include "template/percent_format.h"

#include <gtest/gtest.h>

#include "template/template_error.h"

namespace pier::tmpl::detail {
namespace {

using nlohmann::json;

TEST(PercentFormat, Conversions) {
  EXPECT_EQ(percent_format("%s-%5d|%-4s|%05.1f|%x", json::array({"a", 3, "b", 2.25, 255}), true), "a-    3|b   |002.2|ff");
  EXPECT_EQ(percent_format("%s", json::array({1, 2}), false), "[1, 2]");
  // A single list or dict argument may go unused (Python treats it as a mapping).
  EXPECT_EQ(percent_format("abc", json::array({1}), false), "abc");
  EXPECT_EQ(percent_format("abc", json::object(), false), "abc");
  EXPECT_EQ(percent_format("%s %r", json::array({nullptr, "a"}), true), "None 'a'");
  EXPECT_EQ(percent_format("%d", json(2.7), false), "2");
  EXPECT_EQ(percent_format("%d%%", json(true), false), "1%");
  EXPECT_EQ(percent_format("%c%c", json::array({65, "é"}), true), "Aé");
  EXPECT_EQ(percent_format("%i %.2f %e %g", json::array({3, 1.005, 12345.678, 0.0001}), true), "3 1.00 1.234568e+04 0.0001");
  EXPECT_EQ(percent_format("%(a)s and %(b)05d", json::parse(R"({"a": "x", "b": 7})"), false), "x and 00007");
  EXPECT_EQ(percent_format("%#o %#x %X", json::array({8, 255, 255}), true), "0o10 0xff FF");
  EXPECT_EQ(percent_format("%.2s|%4s|", json::array({"héllo", "é"}), true), "hé|   é|");
  EXPECT_EQ(percent_format("%f %F", json::array({HUGE_VAL, -HUGE_VAL}), true), "inf -INF");
}

TEST(PercentFormat, Errors) {
  auto error_of = [](std::string_view f, const json& args, bool tuple) {
    try {
      percent_format(f, args, tuple);
    } catch (const TemplateError& e) {
      return e.message;
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("%s %s", json::array({1}), true), "not enough arguments for format string");
  EXPECT_EQ(error_of("a", json(1), false), "not all arguments converted during string formatting");
  EXPECT_EQ(error_of("%d", json("x"), false), "%d format: a real number is required, not str");
  EXPECT_EQ(error_of("%x", json(1.5), false), "%x format: an integer is required, not float");
  EXPECT_EQ(error_of("%z", json(1), false), "unsupported format character 'z' at index 1");
  EXPECT_EQ(error_of("%", json(1), false), "incomplete format");
  EXPECT_EQ(error_of("%(a)s", json(1), false), "format requires a mapping");
  EXPECT_EQ(error_of("%(a)s", json::object(), false), "KeyError: 'a'");
  EXPECT_EQ(error_of("%99999d", json(1), false), "width or precision too big in format string");
}

}  // namespace
}  // namespace pier::tmpl::detail
