// UTF-8 helpers that give template strings Python's code-point semantics:
// len(), indexing, slicing, str.isspace(), str.strip() and str.splitlines().
//
//   std::size_t n = utf8::length("héllo");          // 5
//   auto lines = utf8::split_lines("a\r\nb\n");      // {"a", "b"}
//
// Invalid bytes never fail: each one counts as a code point of its own
// (U+DC80..U+DCFF, like Python's surrogateescape) and is written back
// unchanged by append().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pier::tmpl::utf8 {

// Decodes the code point at `i` and advances `i` past it.
char32_t next(std::string_view text, std::size_t& i);

// Appends `c` as UTF-8 (an escaped invalid byte goes back as that byte).
void append(std::string& out, char32_t c);

bool is_ascii(std::string_view text);

// Number of code points.
std::size_t length(std::string_view text);

// Byte offset of every code point, plus text.size() at the end.
std::vector<std::size_t> offsets(std::string_view text);

// Python str.isspace() for one code point.
bool is_space(char32_t c);

// Python str.strip()/lstrip()/rstrip() with no argument.
std::string_view strip(std::string_view text, bool left = true, bool right = true);

// Python str.strip(chars): strips code points that occur in `chars`.
std::string_view strip_chars(std::string_view text, std::string_view chars, bool left = true, bool right = true);

// Python str.splitlines() (without keepends).
std::vector<std::string_view> split_lines(std::string_view text);

// Python str.split() with no separator: runs of whitespace, at most
// `max_split` splits when it is not negative.
std::vector<std::string_view> split_whitespace(std::string_view text, long long max_split = -1);

// Case conversion of ASCII letters only (other code points are unchanged).
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

}  // namespace pier::tmpl::utf8
