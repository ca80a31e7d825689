// The method names of Python's dict, list and str. In Jinja2 `d.items`
// finds the dict method, not a key named "items"; templates get an error
// that says so instead of a method object. Computed once per `a.name` at
// compile time (AttrExpr::methods).
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace pier::tmpl::detail {

enum MethodOf : std::uint8_t { kDictMethod = 1, kListMethod = 2, kStrMethod = 4 };

inline constexpr std::string_view kDictMethods[] = {"clear", "copy", "fromkeys", "get", "items", "keys",
                                                    "pop", "popitem", "setdefault", "update", "values"};
inline constexpr std::string_view kListMethods[] = {"append", "clear", "copy", "count", "extend", "index",
                                                    "insert", "pop", "remove", "reverse", "sort"};
inline constexpr std::string_view kStrMethods[] = {
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
    "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
    "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans",
    "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
    "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill"};

// Which of dict, list and str have a method called `name` (MethodOf bits).
inline std::uint8_t method_flags(std::string_view name) {
  auto has = [name](const auto& names) { return std::find(std::begin(names), std::end(names), name) != std::end(names); };
  return static_cast<std::uint8_t>((has(kDictMethods) ? kDictMethod : 0) | (has(kListMethods) ? kListMethod : 0) |
                                   (has(kStrMethods) ? kStrMethod : 0));
}

}  // namespace pier::tmpl::detail
