// The tests of `x is <test>`: Jinja2's built-in tests (defined, none,
// string, number, even, divisibleby, eq, in, ...). See filters.h for the
// table lookup; the table is in jinja_tests.cc.
//
//   {% if replicas is defined and replicas is number %}
#pragma once

#include <vector>

#include "template/filters.h"

namespace pier::tmpl::detail {

const std::vector<TestDef>& test_table();

}  // namespace pier::tmpl::detail
