// Python string operations shared by the string methods ('a,b'.split(','))
// and the filters (| replace, | title, ...). Case changes are ASCII-only.
//
//   py_replace("aaa", "a", "b", 2)   // "bba"
//   py_title("hello world-foo")      // "Hello World-Foo"
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pier::tmpl::detail {

// Substring search in linear time: std::string_view::find is quadratic in
// the worst case ("aaa…ab" in "aaa…a"), which a template could exploit;
// long needles use Boyer-Moore.
class TextFinder {
 public:
  explicit TextFinder(std::string_view needle);
  // Position of the first occurrence at or after `pos`, or npos.
  std::size_t find(std::string_view text, std::size_t pos = 0) const;

 private:
  std::string_view needle_;
  std::optional<std::boyer_moore_searcher<std::string_view::const_iterator>> searcher_;
};

// str.replace(old, new, count); count < 0 replaces all. An empty `old`
// inserts `new` between every code point, as Python does.
std::string py_replace(std::string_view text, std::string_view old, std::string_view replacement, long long count = -1);

// Jinja2's title filter: words start after whitespace, '-', '(', '{', '[', '<'.
std::string py_title(std::string_view text);

// str.capitalize(): first code point upper, the rest lower.
std::string py_capitalize(std::string_view text);

// str.split(sep, maxsplit) with a separator (must not be empty).
std::vector<std::string> py_split(std::string_view text, std::string_view sep, long long max_split = -1);

// str.count(sub): non-overlapping occurrences (empty sub: length + 1).
long long py_count(std::string_view text, std::string_view sub);

// str.find(sub) in code points, -1 when absent.
long long py_find(std::string_view text, std::string_view sub);

}  // namespace pier::tmpl::detail
