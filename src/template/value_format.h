// Python's str() and repr() of JSON values, which is what `{{ x }}`, `~`,
// `join` and `string` produce in Jinja2:
//
//   append_str(out, json(true));                 // True
//   append_str(out, json(1e-5));                 // 1e-05
//   append_str(out, json::parse(R"(["a", 1])")); // ['a', 1]
//
// Floats use Python's repr: the shortest digits that read back the same,
// fixed notation for decimal exponents in [-4, 16) (with ".0" when integral),
// scientific otherwise ("1e-05", "1.5e+16").
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pier::tmpl::detail {

// Containers nested deeper than this are refused by every recursive
// function over values (formatting, comparison, copies), so that a hostile
// template cannot overflow the stack.
inline constexpr int kMaxValueDepth = 256;

void append_str(std::string& out, const nlohmann::json& value);
void append_repr(std::string& out, const nlohmann::json& value);
void append_float(std::string& out, double value);
void append_int(std::string& out, long long value);

// Python repr() of a string: single quotes unless the text has a single
// quote and no double quote; non-printable code points escaped.
void append_string_repr(std::string& out, std::string_view text);

std::string to_str(const nlohmann::json& value);
std::string to_repr(const nlohmann::json& value);

// Python's type name: 'str', 'int', 'float', 'bool', 'NoneType', 'list', 'dict'.
const char* type_name(nlohmann::json::value_t type);
inline const char* type_name(const nlohmann::json& value) { return type_name(value.type()); }

// Jinja2's object_type_repr: "None" or "<type> object".
std::string object_type_repr(nlohmann::json::value_t type);
inline std::string object_type_repr(const nlohmann::json& value) { return object_type_repr(value.type()); }

}  // namespace pier::tmpl::detail
