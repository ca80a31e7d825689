#include "template/utf8.h"

#include <algorithm>

namespace pier::tmpl::utf8 {

namespace {

constexpr char32_t kEscapedByteBase = 0xDC00;

char32_t escaped(unsigned char byte) { return kEscapedByteBase + byte; }

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

char32_t next(std::string_view text, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int extra = 0;
  char32_t c = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, c = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return escaped(b0);
  }
  if (i + extra >= text.size()) {
    ++i;
    return escaped(b0);
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (!is_continuation(b)) {
      ++i;
      return escaped(b0);
    }
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return escaped(b0);
  }
  i += extra + 1;
  return c;
}

void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c >= 0xDC80 && c <= 0xDCFF) {
    out.push_back(static_cast<char>(c - kEscapedByteBase));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool is_ascii(std::string_view text) {
  for (char ch : text) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

std::size_t length(std::string_view text) {
  if (is_ascii(text)) return text.size();
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    next(text, i);
    ++n;
  }
  return n;
}

std::vector<std::size_t> offsets(std::string_view text) {
  std::vector<std::size_t> result;
  result.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    result.push_back(i);
    next(text, i);
  }
  result.push_back(text.size());
  return result;
}

bool is_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

namespace {

// The code point that ends at `end` (after `begin`): its start and value.
std::size_t previous(std::string_view text, std::size_t begin, std::size_t end, char32_t& c) {
  std::size_t start = end - 1;
  while (start > begin && end - start < 4 && is_continuation(static_cast<unsigned char>(text[start]))) --start;
  std::size_t i = start;
  c = next(text, i);
  if (i == end) return start;
  // Not a well-formed sequence ending at `end`: the last byte stands alone.
  i = end - 1;
  c = next(text, i);
  return end - 1;
}

// Strips from either end the code points for which `pred` holds.
template <class Pred>
std::string_view strip_if(std::string_view text, bool left, bool right, Pred pred) {
  std::size_t begin = 0;
  if (left) {
    while (begin < text.size()) {
      std::size_t i = begin;
      if (!pred(next(text, i))) break;
      begin = i;
    }
  }
  std::size_t end = text.size();
  if (right) {
    while (end > begin) {
      char32_t c = 0;
      const std::size_t start = previous(text, begin, end, c);
      if (!pred(c)) break;
      end = start;
    }
  }
  return text.substr(begin, end - begin);
}

}  // namespace

std::string_view strip(std::string_view text, bool left, bool right) {
  return strip_if(text, left, right, [](char32_t c) { return is_space(c); });
}

std::string_view strip_chars(std::string_view text, std::string_view chars, bool left, bool right) {
  std::vector<char32_t> set;
  for (std::size_t i = 0; i < chars.size();) set.push_back(next(chars, i));
  std::sort(set.begin(), set.end());
  return strip_if(text, left, right, [&](char32_t c) { return std::binary_search(set.begin(), set.end(), c); });
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    const char32_t c = next(text, i);
    const bool boundary = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D ||
                          c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
    if (!boundary) continue;
    lines.push_back(text.substr(start, at - start));
    if (c == '\r' && i < text.size() && text[i] == '\n') ++i;
    start = i;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::vector<std::string_view> split_whitespace(std::string_view text, long long max_split) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (true) {
    // skip whitespace
    while (i < text.size()) {
      std::size_t j = i;
      if (!is_space(next(text, j))) break;
      i = j;
    }
    if (i >= text.size()) break;
    if (max_split >= 0 && static_cast<long long>(parts.size()) == max_split) {
      parts.push_back(strip(text.substr(i), false, true));
      break;
    }
    const std::size_t start = i;
    while (i < text.size()) {
      std::size_t j = i;
      if (is_space(next(text, j))) break;
      i = j;
    }
    parts.push_back(text.substr(start, i - start));
  }
  return parts;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

}  // namespace pier::tmpl::utf8
