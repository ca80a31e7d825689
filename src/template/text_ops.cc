#include "template/text_ops.h"

#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"

namespace pier::tmpl::detail {

namespace {
constexpr std::size_t kShortNeedle = 16;
}  // namespace

TextFinder::TextFinder(std::string_view needle) : needle_(needle) {
  if (needle.size() > kShortNeedle) searcher_.emplace(needle.begin(), needle.end());
}

std::size_t TextFinder::find(std::string_view text, std::size_t pos) const {
  if (pos > text.size()) return std::string_view::npos;
  if (!searcher_) return text.find(needle_, pos);
  const auto [first, last] = (*searcher_)(text.begin() + static_cast<std::ptrdiff_t>(pos), text.end());
  if (first == text.end() && !needle_.empty()) return std::string_view::npos;
  return static_cast<std::size_t>(first - text.begin());
}

std::string py_replace(std::string_view text, std::string_view old, std::string_view replacement, long long count) {
  std::string out;
  if (old.empty()) {
    // Python inserts the replacement before every code point and at the end.
    const std::size_t n = utf8::length(text);
    const std::size_t times = count < 0 ? n + 1 : std::min<std::size_t>(static_cast<std::size_t>(count), n + 1);
    if (times > 0 && replacement.size() > 0 && times > kMaxSequenceSize / replacement.size()) {
      throw_error("result of replace() is too long");
    }
    std::size_t done = 0;
    std::size_t i = 0;
    while (i < text.size() && done < times) {
      out += replacement;
      ++done;
      const std::size_t start = i;
      utf8::next(text, i);
      out.append(text, start, i - start);
    }
    if (i < text.size()) {
      out.append(text, i);
    } else if (done < times) {
      out += replacement;
    }
    return out;
  }
  const TextFinder finder(old);
  std::size_t pos = 0;
  long long done = 0;
  while (count < 0 || done < count) {
    const std::size_t hit = finder.find(text, pos);
    if (hit == std::string_view::npos) break;
    out.append(text, pos, hit - pos);
    out += replacement;
    if (out.size() > kMaxSequenceSize) throw_error("result of replace() is too long");
    pos = hit + old.size();
    ++done;
  }
  out.append(text, pos);
  return out;
}

std::string py_title(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool word_start = true;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = utf8::next(text, i);
    const bool separator = utf8::is_space(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (separator) {
      word_start = true;
      utf8::append(out, c);
      continue;
    }
    if (c < 0x80) {
      out += word_start ? utf8::ascii_upper(static_cast<char>(c)) : utf8::ascii_lower(static_cast<char>(c));
    } else {
      utf8::append(out, c);
    }
    word_start = false;
  }
  return out;
}

std::string py_capitalize(std::string_view text) {
  std::string out = utf8::ascii_lower(text);
  if (!out.empty()) out[0] = utf8::ascii_upper(out[0]);
  return out;
}

std::vector<std::string> py_split(std::string_view text, std::string_view sep, long long max_split) {
  if (sep.empty()) throw_error("empty separator");
  std::vector<std::string> parts;
  const TextFinder finder(sep);
  std::size_t pos = 0;
  while (max_split < 0 || static_cast<long long>(parts.size()) < max_split) {
    const std::size_t hit = finder.find(text, pos);
    if (hit == std::string_view::npos) break;
    parts.emplace_back(text.substr(pos, hit - pos));
    pos = hit + sep.size();
  }
  parts.emplace_back(text.substr(pos));
  return parts;
}

long long py_count(std::string_view text, std::string_view sub) {
  if (sub.empty()) return static_cast<long long>(utf8::length(text)) + 1;
  const TextFinder finder(sub);
  long long n = 0;
  for (std::size_t pos = finder.find(text); pos != std::string_view::npos; pos = finder.find(text, pos + sub.size())) ++n;
  return n;
}

long long py_find(std::string_view text, std::string_view sub) {
  const std::size_t hit = TextFinder(sub).find(text);
  if (hit == std::string_view::npos) return -1;
  return static_cast<long long>(utf8::length(text.substr(0, hit)));
}

}  // namespace pier::tmpl::detail
