#include "yamljson/fast_yaml.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "yamljson/scalar_resolve.h"

// How yaml-cpp 0.7 reads what this accepts, found by experiment and in its
// scanner (scanscalar.cpp, scantoken.cpp); every rule below mirrors one of them:
// - documents: the text before the first `---` is a document only if it holds
//   a node; every `---` opens one, null when nothing follows. A null
//   document's line is that of the next `---`, or of the end of the text.
// - a plain scalar continues on any following line indented past the
//   enclosing collection, even a comment line whose `#` sits exactly one
//   column past it; at the top level it would swallow comment lines too.
// - a literal block's content indentation is the larger of (enclosing
//   collection's column + 1) and the spaces of its first non-empty line,
//   counting leading empty lines with more spaces (which then end the block).
// - `\N` and `\_` give the single bytes 0x85 and 0xA0, not UTF-8.
// - a simple key may span at most 1024 characters.
// Everything else outside these rules is declined, not guessed.

namespace pier::yamljson {

namespace {

using nlohmann::json;

constexpr int kMaxDepth = 256;           // as the yaml-cpp path: deeper is an error there
constexpr size_t kMaxNodes = 2'000'000;  // as the yaml-cpp path, counted over all documents
constexpr size_t kMaxKeySpan = 1000;     // yaml-cpp refuses keys past 1024 characters

// No control characters but '\n' and '\t', no DEL, no 0xFE/0xFF (yaml-cpp would
// guess UTF-16 from them) and no byte-order mark.
bool bytes_allowed(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size(), i = 0;
  bool high = false;
#if defined(__SSE2__)
  const __m128i k1f = _mm_set1_epi8(0x1f), knl = _mm_set1_epi8('\n'), ktab = _mm_set1_epi8('\t');
  const __m128i kdel = _mm_set1_epi8(0x7f), kfe = _mm_set1_epi8(static_cast<char>(0xfe));
  __m128i bad = _mm_setzero_si128(), hi = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, k1f), v);
    __m128i allowed = _mm_or_si128(_mm_cmpeq_epi8(v, knl), _mm_cmpeq_epi8(v, ktab));
    bad = _mm_or_si128(bad, _mm_andnot_si128(allowed, control));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, kdel));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_max_epu8(v, kfe), v));
    hi = _mm_or_si128(hi, v);
  }
  if (_mm_movemask_epi8(bad) != 0) return false;
  high = _mm_movemask_epi8(hi) != 0;
#endif
  for (; i < n; ++i) {
    unsigned char c = s[i];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c >= 0xfe) return false;
    high |= c >= 0x80;
  }
  return !high || text.find("\xEF\xBB\xBF") == std::string_view::npos;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Plain scalars in flow collections: the characters JSON numbers and words use.
bool flow_plain_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '-' || c == '/'; }

// False when resolve_plain_scalar surely gives `text` back as a string: every
// number starts with a digit, a sign or '.', and every null or bool word
// (`~`, `null`, `yes`, `on`, `FALSE`...) is at most five characters long.
bool may_be_typed(std::string_view text) {
  char c = text[0];
  if (is_digit(c) || c == '-' || c == '+' || c == '.') return true;
  if (text.size() > 5) return false;
  switch (c) {
    case '~': case 'n': case 'N': case 'y': case 'Y': case 't': case 'T': case 'f': case 'F': case 'o': case 'O':
      return true;
    default:
      return false;
  }
}

// Characters a plain scalar may not start with in block context (yaml-cpp's
// PlainScalar), plus the blanks and `?`/`:`, which the subset leaves out.
constexpr auto kNotPlainStart = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view(",[]{}#&*!|>'\"%@`?: \t")) table[c] = true;
  return table;
}();

// The characters that may end a plain scalar or key in block context.
constexpr auto kPlainSpecial = [] {
  std::array<bool, 256> table{};
  table[':'] = table[' '] = table['\t'] = true;
  return table;
}();

bool is_null_word(std::string_view s) { return s.size() <= 4 && (s == "~" || s == "null" || s == "Null" || s == "NULL"); }

void append_utf8(std::string& out, unsigned value) {
  if (value <= 0x7f) {
    out += static_cast<char>(value);
  } else if (value <= 0x7ff) {
    out += static_cast<char>(0xc0 + (value >> 6));
    out += static_cast<char>(0x80 + (value & 0x3f));
  } else if (value <= 0xffff) {
    out += static_cast<char>(0xe0 + (value >> 12));
    out += static_cast<char>(0x80 + ((value >> 6) & 0x3f));
    out += static_cast<char>(0x80 + (value & 0x3f));
  } else {
    out += static_cast<char>(0xf0 + (value >> 18));
    out += static_cast<char>(0x80 + ((value >> 12) & 0x3f));
    out += static_cast<char>(0x80 + ((value >> 6) & 0x3f));
    out += static_cast<char>(0x80 + (value & 0x3f));
  }
}

enum class LineKind { kContent, kSeparator, kEnd };

// One line that holds something: blank and comment-only lines are skipped.
struct Line {
  LineKind kind = LineKind::kEnd;
  size_t begin = 0;  // its first byte
  size_t end = 0;    // its '\n', or the end of the text
  int indent = -1;   // leading spaces; -1 for a separator or the end, which close every block
  int number = 1;    // 1-based
};

struct Key {
  std::string_view plain;  // a plain key: its text in the document
  std::string quoted;      // a quoted key: its text with escapes resolved
  bool is_quoted = false;
  size_t value_pos = 0;    // just after the ':'

  // The key as a map key. A plain key is copied once, straight into the
  // string the map keeps.
  std::string take() { return is_quoted ? std::move(quoted) : std::string(plain); }
};

enum class KeyScan { kKey, kNotKey, kDecline };

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text), n_(text.size()) {}

  std::optional<std::vector<YamlDocument>> read() {
    std::vector<YamlDocument> docs;
    if (!load(0, 1)) return std::nullopt;
    bool opened = false;  // a `---` opened a document that has no node yet
    while (true) {
      if (cur_.kind != LineKind::kContent) {
        if (opened) {
          if (!enter(0)) return std::nullopt;
          docs.push_back(YamlDocument{nullptr, cur_.number});
        }
        if (cur_.kind == LineKind::kEnd) break;
        opened = true;
        if (!advance()) return std::nullopt;
        continue;
      }
      if (cur_.indent != 0 || !enter(0)) return std::nullopt;
      YamlDocument& doc = docs.emplace_back();
      doc.line = cur_.number;
      if (!block_node(doc.value, -1, 0) || cur_.kind == LineKind::kContent) return std::nullopt;
      opened = false;
    }
    return docs;
  }

 private:
  std::string_view text_;
  size_t n_;
  Line cur_;
  int first_comment_indent_ = -1;  // indent of a comment line right after the last line (blank lines aside)
  size_t nodes_ = 0;

  bool enter(int depth) { return depth <= kMaxDepth && ++nodes_ <= kMaxNodes; }

  size_t line_end(size_t pos) const {
    const void* nl = std::memchr(text_.data() + pos, '\n', n_ - pos);
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) : n_;
  }

  size_t skip_spaces(size_t p) const {
    while (p < cur_.end && text_[p] == ' ') ++p;
    return p;
  }

  // The next position from p on cur_ that holds ':', ' ' or a tab, or its end.
  size_t skip_plain(size_t p) const {
    while (p < cur_.end && !kPlainSpecial[static_cast<unsigned char>(text_[p])]) ++p;
    return p;
  }

  // Makes cur_ the first line from `pos` (a line start) that holds something.
  bool load(size_t pos, int number) {
    first_comment_indent_ = -1;
    bool first = true;
    while (true) {
      if (pos >= n_) {
        cur_ = Line{LineKind::kEnd, n_, n_, -1, number};
        return true;
      }
      size_t end = line_end(pos);
      size_t i = pos;
      while (i < end && text_[i] == ' ') ++i;
      if (i < end && text_[i] == '\t') return false;  // a tab in indentation
      int indent = static_cast<int>(i - pos);
      bool blank = i == end;
      if (!blank && first) {
        first = false;
        if (text_[i] == '#') first_comment_indent_ = indent;
      }
      if (blank || text_[i] == '#') {
        if (end >= n_) {
          cur_ = Line{LineKind::kEnd, n_, n_, -1, number};
          return true;
        }
        pos = end + 1;
        ++number;
        continue;
      }
      if (indent == 0) {
        if (starts_with3(pos, end, '-')) {
          size_t j = pos + 3;
          if (j < end && text_[j] != ' ') return false;
          while (j < end && text_[j] == ' ') ++j;
          if (j < end && text_[j] != '#') return false;  // `--- content`
          cur_ = Line{LineKind::kSeparator, pos, end, -1, number};
          return true;
        }
        if (starts_with3(pos, end, '.') || text_[pos] == '%') return false;
      }
      cur_ = Line{LineKind::kContent, pos, end, indent, number};
      return true;
    }
  }

  bool starts_with3(size_t pos, size_t end, char c) const {
    return pos + 3 <= end && text_[pos] == c && text_[pos + 1] == c && text_[pos + 2] == c;
  }

  bool advance() {
    if (cur_.end >= n_) {
      cur_ = Line{LineKind::kEnd, n_, n_, -1, cur_.number};
      first_comment_indent_ = -1;
      return true;
    }
    return load(cur_.end + 1, cur_.number + 1);
  }

  // `- ` or a lone `-`: a block sequence entry.
  bool is_entry(size_t p) const { return text_[p] == '-' && (p + 1 == cur_.end || text_[p + 1] == ' '); }

  // Whether yaml-cpp starts a plain scalar at p (in block context), narrowed:
  // no indicator, and `-` only before a non-blank.
  bool plain_start(size_t p) const {
    char c = text_[p];
    if (kNotPlainStart[static_cast<unsigned char>(c)]) return false;
    if (c == '-') return p + 1 < cur_.end && text_[p + 1] != ' ' && text_[p + 1] != '\t';
    return true;
  }

  // After a value ending at p: nothing, or spaces and a comment.
  bool rest_is_comment(size_t p) const {
    if (p == cur_.end) return true;
    if (text_[p] != ' ') return false;
    p = skip_spaces(p);
    return p == cur_.end || text_[p] == '#';
  }

  // A quoted scalar from the quote at p to its closing quote, on this line.
  bool quoted(size_t p, std::string& out, size_t& after) const {
    const size_t end = cur_.end;
    const char* s = text_.data();
    out.clear();
    size_t i = p + 1;
    if (s[p] == '\'') {
      while (true) {
        size_t j = i;
        while (j < end && s[j] != '\'') ++j;
        if (j >= end) return false;
        out.append(s + i, j - i);
        if (j + 1 < end && s[j + 1] == '\'') {
          out += '\'';
          i = j + 2;
          continue;
        }
        after = j + 1;
        return true;
      }
    }
    while (true) {
      size_t j = i;
      while (j < end && s[j] != '"' && s[j] != '\\') ++j;
      if (j >= end) return false;
      out.append(s + i, j - i);
      if (s[j] == '"') {
        after = j + 1;
        return true;
      }
      if (j + 1 >= end) return false;  // an escaped line break
      i = j + 2;
      int digits = 0;
      switch (s[j + 1]) {
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case '/': out += '/'; break;
        case ' ': out += ' '; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'a': out += '\a'; break;
        case 'v': out += '\v'; break;
        case 'e': out += '\x1b'; break;
        case '0': out += '\0'; break;
        case 'N': out += '\x85'; break;  // sic: one byte, as yaml-cpp
        case '_': out += '\xa0'; break;  // sic
        case 'L': out += "\xe2\x80\xa8"; break;
        case 'P': out += "\xe2\x80\xa9"; break;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default: return false;
      }
      if (digits == 0) continue;
      if (i + digits > end) return false;
      unsigned value = 0;
      for (int k = 0; k < digits; ++k) {
        char c = s[i + k];
        unsigned d = 0;
        if (is_digit(c)) d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        value = value << 4 | d;
      }
      if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return false;
      append_utf8(out, value);
      i += digits;
    }
  }

  // Whether the text at p (on cur_) is a mapping key followed by `: ` or a
  // final `:`; if so, its text and where its value starts.
  KeyScan scan_key(size_t p, Key& key) const {
    const size_t end = cur_.end;
    char c = text_[p];
    if (c == '"' || c == '\'') {
      size_t after = 0;
      key.is_quoted = true;
      if (!quoted(p, key.quoted, after)) return KeyScan::kDecline;
      if (after < end && text_[after] == ':' && (after + 1 == end || text_[after + 1] == ' ')) {
        if (after - p > kMaxKeySpan) return KeyScan::kDecline;
        key.value_pos = after + 1;
        return KeyScan::kKey;
      }
      return KeyScan::kNotKey;
    }
    if (!plain_start(p)) return KeyScan::kNotKey;
    size_t i = skip_plain(p);
    for (; i < end; i = skip_plain(i + 1)) {
      char ch = text_[i];
      if (ch == ':') {
        if (i + 1 == end || text_[i + 1] == ' ') break;
      } else if (ch == ' ') {
        if (i + 1 < end && text_[i + 1] == '#') return KeyScan::kNotKey;
      } else if (ch == '\t') {
        return KeyScan::kDecline;
      }
    }
    if (i == end) return KeyScan::kNotKey;
    std::string_view text = text_.substr(p, i - p);
    // A space before the ':', a key yaml-cpp reads as null or as a merge, a key
    // too long for it, and `-x:` are left to yaml-cpp.
    if (text.back() == ' ' || c == '-' || is_null_word(text) || text == "<<" || text.size() > kMaxKeySpan)
      return KeyScan::kDecline;
    key.is_quoted = false;
    key.plain = text;
    key.value_pos = i + 1;
    return KeyScan::kKey;
  }

  // A plain scalar's value: typed as yaml_to_json.cc types it.
  static bool plain_value(std::string_view text, json& out) {
    if (!may_be_typed(text)) {
      out = text;
      return true;
    }
    // A decimal integer without a leading zero fits int64 up to 18 digits.
    if (text.size() <= 18 && (text[0] != '0' || text.size() == 1) &&
        std::all_of(text.begin(), text.end(), is_digit)) {
      int64_t value = 0;
      for (char c : text) value = value * 10 + (c - '0');
      out = value;
      return true;
    }
    out = resolve_plain_scalar(text);
    return !out.is_number_float() || std::isfinite(out.get<double>());
  }

  // The block node whose first line is cur_, inside a collection at column
  // `parent` (-1: the document itself).
  bool block_node(json& out, int parent, int depth) {
    const int col = cur_.indent;
    const size_t p = cur_.begin + col;
    if (is_entry(p)) return block_sequence(out, col, depth);
    Key key;
    switch (scan_key(p, key)) {
      case KeyScan::kDecline: return false;
      case KeyScan::kKey: return block_mapping(out, std::move(key), col, depth);
      case KeyScan::kNotKey: break;
    }
    // A scalar or flow collection alone on its line. yaml-cpp continues a plain
    // one at the top level over comment lines, and a literal one is not worth it.
    char c = text_[p];
    if (c == '|' || (parent < 0 && c != '"' && c != '\'' && c != '[' && c != '{')) return false;
    return inline_value(p, out, parent, depth) && cur_.indent <= parent;
  }

  // A block mapping at column `col` whose first key (already scanned) is on cur_.
  bool block_mapping(json& out, Key key, int col, int depth) {
    out = json::object();
    auto& object = out.get_ref<json::object_t&>();
    while (true) {
      size_t size = object.size();
      json& value = object.try_emplace(key.take()).first->second;
      if (object.size() == size || !enter(depth + 1)) return false;  // a duplicate key is yaml-cpp's to report
      size_t v = skip_spaces(key.value_pos);
      if (v == cur_.end || text_[v] == '#') {
        if (!advance()) return false;
        if (cur_.indent > col) {
          if (!block_node(value, col, depth + 1)) return false;
        } else if (cur_.indent == col && is_entry(cur_.begin + col)) {
          if (!block_sequence(value, col, depth + 1)) return false;  // kubectl style: `key:` then `- x` below it
        }
      } else if (!inline_value(v, value, col, depth + 1)) {
        return false;
      }
      if (cur_.indent < col) return true;
      if (cur_.indent > col) return false;
      size_t p = cur_.begin + col;
      if (is_entry(p) || scan_key(p, key) != KeyScan::kKey) return false;
    }
  }

  // A block sequence whose first `-` is on cur_ at column `col`.
  bool block_sequence(json& out, int col, int depth) {
    out = json::array();
    auto& array = out.get_ref<json::array_t&>();
    while (true) {
      if (!enter(depth + 1)) return false;
      json& item = array.emplace_back();
      size_t v = skip_spaces(cur_.begin + col + 1);
      if (v == cur_.end || text_[v] == '#') {
        if (!advance()) return false;
        if (cur_.indent > col && !block_node(item, col, depth + 1)) return false;
      } else if (is_entry(v)) {
        return false;  // `- - x`
      } else {
        Key key;
        switch (scan_key(v, key)) {
          case KeyScan::kDecline: return false;
          case KeyScan::kKey:
            if (!block_mapping(item, std::move(key), static_cast<int>(v - cur_.begin), depth + 1)) return false;
            break;
          case KeyScan::kNotKey:
            if (!inline_value(v, item, col, depth + 1)) return false;
            break;
        }
      }
      if (cur_.indent < col) return true;
      if (cur_.indent > col) return false;
      if (!is_entry(cur_.begin + col)) return true;
    }
  }

  // A value starting at p on cur_ (after `key: ` or `- `, or alone on its
  // line) inside a block collection at column `top`. Leaves cur_ on the next line.
  bool inline_value(size_t p, json& out, int top, int depth) {
    const size_t end = cur_.end;
    char c = text_[p];
    if (c == '"' || c == '\'') {
      std::string s;
      size_t after = 0;
      if (!quoted(p, s, after) || !rest_is_comment(after)) return false;
      out = std::move(s);
      return advance();
    }
    if (c == '[' || c == '{') {
      size_t after = p;
      return flow(after, out, depth) && rest_is_comment(after) && advance();
    }
    if (c == '|') return literal(p, out, top);
    if (!plain_start(p)) return false;
    size_t stop = end;
    for (size_t i = skip_plain(p); i < end; i = skip_plain(i + 1)) {
      char ch = text_[i];
      if (ch == ' ') {
        if (i + 1 < end && text_[i + 1] == '#') {
          stop = i;
          break;
        }
      } else if (ch == ':') {
        if (i + 1 == end || text_[i + 1] == ' ') return false;  // `a: b: c`, `a: b:`
      } else if (ch == '\t') {
        return false;
      }
    }
    while (stop > p && text_[stop - 1] == ' ') --stop;
    if (!plain_value(text_.substr(p, stop - p), out) || !advance()) return false;
    // yaml-cpp continues the scalar over a comment line whose '#' is exactly
    // one column past the collection.
    return first_comment_indent_ != top + 1;
  }

  // A flow collection that opens at p and closes on the same line; p ends after it.
  bool flow(size_t& p, json& out, int depth) {
    const size_t end = cur_.end;
    if (text_[p] == '[') {
      out = json::array();
      auto& array = out.get_ref<json::array_t&>();
      p = skip_spaces(p + 1);
      if (p < end && text_[p] == ']') {
        ++p;
        return true;
      }
      while (true) {
        if (!enter(depth + 1)) return false;
        if (!flow_node(p, array.emplace_back(), depth + 1)) return false;
        p = skip_spaces(p);
        if (p >= end) return false;
        if (text_[p] == ']') {
          ++p;
          return true;
        }
        if (text_[p] != ',') return false;
        p = skip_spaces(p + 1);
      }
    }
    out = json::object();
    auto& object = out.get_ref<json::object_t&>();
    p = skip_spaces(p + 1);
    if (p < end && text_[p] == '}') {
      ++p;
      return true;
    }
    while (true) {
      if (p >= end) return false;
      size_t start = p;
      std::string key;
      bool plain = text_[p] != '"' && text_[p] != '\'';
      if (!plain) {
        if (!quoted(p, key, p)) return false;
      } else {
        if (!flow_plain_char(text_[p]) || text_[p] == '-' || text_[p] == '+' || text_[p] == '.') return false;
        while (p < end && flow_plain_char(text_[p])) ++p;
        key.assign(text_.substr(start, p - start));
        if (is_null_word(key)) return false;
      }
      if (p - start > kMaxKeySpan || p >= end || text_[p] != ':') return false;
      ++p;
      if (plain && (p >= end || text_[p] != ' ')) return false;
      p = skip_spaces(p);
      auto [it, inserted] = object.try_emplace(std::move(key));
      if (!inserted || !enter(depth + 1) || !flow_node(p, it->second, depth + 1)) return false;
      p = skip_spaces(p);
      if (p >= end) return false;
      if (text_[p] == '}') {
        ++p;
        return true;
      }
      if (text_[p] != ',') return false;
      p = skip_spaces(p + 1);
    }
  }

  // One entry of a flow collection: a nested collection, a quoted scalar, or a
  // plain one of JSON-ish characters (words, numbers, paths; inner spaces).
  bool flow_node(size_t& p, json& out, int depth) {
    const size_t end = cur_.end;
    if (p >= end) return false;
    char c = text_[p];
    if (c == '[' || c == '{') return flow(p, out, depth);
    if (c == '"' || c == '\'') {
      std::string s;
      if (!quoted(p, s, p)) return false;
      out = std::move(s);
      return true;
    }
    if (!flow_plain_char(c)) return false;
    if ((c == '-' || c == '+' || c == '.') && !(p + 1 < end && (is_alnum(text_[p + 1]) || text_[p + 1] == '.')))
      return false;
    size_t start = p;
    while (p < end && (flow_plain_char(text_[p]) || text_[p] == ' ')) ++p;
    size_t stop = p;
    while (text_[stop - 1] == ' ') --stop;
    return plain_value(text_.substr(start, stop - start), out);
  }

  // A literal block scalar (`|`, `|-`, `|+`) whose indicator is at p, inside
  // a block collection at column `top`; yaml-cpp's ScanScalar step by step.
  bool literal(size_t p, json& out, int top) {
    if (top < 0) return false;
    const size_t header_end = cur_.end;
    size_t i = p + 1;
    char chomp = 'c';
    if (i < header_end && (text_[i] == '-' || text_[i] == '+')) chomp = text_[i++];
    if (i < header_end && text_[i] != ' ') return false;  // an indentation indicator, or anything else
    i = skip_spaces(i);
    if (i < header_end && text_[i] != '#') return false;

    std::string s;
    int indent = top + 1;
    bool detecting = true;  // no non-empty line yet: the indentation is still to be found
    bool past_opening = false;
    int number = cur_.number;
    size_t q = header_end;  // always at a '\n' or the end of the text
    size_t resume = n_;
    while (q < n_) {
      ++q;  // the line break
      ++number;
      const size_t line_start = q;
      int column = 0;
      while (q < n_ && text_[q] == ' ' && (column < indent || detecting)) ++q, ++column;
      if (detecting) indent = std::max(indent, column);
      if (q < n_ && text_[q] == '\t' && column < indent) return false;
      bool empty = q < n_ && text_[q] == '\n';
      if (past_opening) s += '\n';
      past_opening = true;
      if (!empty && column < indent) {
        resume = line_start;
        break;
      }
      size_t e = line_end(q);
      if (e > q) {
        s.append(text_.data() + q, e - q);
        detecting = false;
      }
      q = e;
    }
    size_t last = s.find_last_not_of('\n');
    if (chomp != '+') {
      if (last == std::string::npos) s.clear();
      else if (chomp == '-') s.erase(last + 1);
      else if (last + 1 < s.size()) s.erase(last + 2);
    }
    out = std::move(s);
    return load(resume, number);
  }
};

}  // namespace

std::optional<std::vector<YamlDocument>> parse_simple_yaml(std::string_view text) {
  if (!bytes_allowed(text)) return std::nullopt;
  return Reader(text).read();
}

}  // namespace pier::yamljson
