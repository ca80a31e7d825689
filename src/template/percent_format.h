// Python's printf-style string formatting, `"%s-%d" % (name, 3)`, for the
// conversions templates use: s r d i f F e E g G x X o c and %%, with the
// flags - 0 + and space, width and precision, and `%(key)s` with a dict.
//
//   percent_format("%s-%03d", json::array({"web", 7}))  // "web-007"
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pier::tmpl::detail {

// `args` is the tuple of arguments (the right side was a tuple literal) or,
// when `is_tuple` is false, the single argument.
std::string percent_format(std::string_view format, const nlohmann::json& args, bool is_tuple);

}  // namespace pier::tmpl::detail
