#include "template/lexer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "template/template_error.h"
#include "template/utf8.h"

namespace pier::tmpl::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  std::vector<Token> run() {
    if (src_.size() >= kNoOffset) throw_error("template is too large", 0);
    std::size_t pos = 0;
    while (pos < src_.size()) pos = lex_root(pos);
    push(Tok::kEnd, src_.size(), {});
    return std::move(tokens_);
  }

 private:
  // Text up to the next tag, then the tag. Returns where to continue.
  std::size_t lex_root(std::size_t pos) {
    const std::size_t tag = find_tag(pos);
    if (tag == std::string_view::npos) {
      push_text(pos, src_.substr(pos));
      return src_.size();
    }
    std::string_view text = src_.substr(pos, tag - pos);
    const char kind = src_[tag + 1];
    std::size_t p = tag + 2;
    char sign = 0;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) sign = src_[p++];
    if (sign == '-') text = utf8::strip(text, false, true);
    push_text(pos, text);

    if (kind == '#') return lex_comment(tag, p);
    if (kind == '%') {
      if (const std::size_t after = match_raw_begin(p); after != std::string_view::npos) return lex_raw(tag, after);
    }
    return lex_tag(tag, p, kind == '{' ? Tok::kVarBegin : Tok::kBlockBegin);
  }

  std::size_t find_tag(std::size_t pos) const {
    while (true) {
      pos = src_.find('{', pos);
      if (pos == std::string_view::npos || pos + 1 >= src_.size()) return std::string_view::npos;
      const char next = src_[pos + 1];
      if (next == '{' || next == '%' || next == '#') return pos;
      ++pos;
    }
  }

  std::size_t lex_comment(std::size_t tag, std::size_t p) {
    const std::size_t end = src_.find("#}", p);
    if (end == std::string_view::npos) throw_error("comment is never closed: expected '#}'", offset(tag));
    if (end > p && src_[end - 1] == '-') return skip_space(end + 2);
    return end + 2;
  }

  // After `{%` and its sign: `\s*raw\s*(-%}\s*|%})`; returns the position
  // after it, or npos when this is not a raw tag.
  std::size_t match_raw_begin(std::size_t p) const {
    p = skip_space(p);
    if (src_.substr(p, 3) != "raw") return std::string_view::npos;
    p = skip_space(p + 3);
    if (src_.substr(p, 3) == "-%}") return skip_space(p + 3);
    if (src_.substr(p, 2) == "%}") return p + 2;
    return std::string_view::npos;
  }

  std::size_t lex_raw(std::size_t tag, std::size_t body) {
    std::size_t search = body;
    while (true) {
      const std::size_t open = src_.find("{%", search);
      if (open == std::string_view::npos) {
        throw_error("'{% raw %}' is never closed: expected '{% endraw %}'", offset(tag));
      }
      std::size_t p = open + 2;
      char sign = 0;
      if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) sign = src_[p++];
      p = skip_space(p);
      if (src_.substr(p, 6) == "endraw") {
        p = skip_space(p + 6);
        std::size_t after = std::string_view::npos;
        if (src_.substr(p, 3) == "+%}") {
          after = p + 3;
        } else if (src_.substr(p, 3) == "-%}") {
          after = skip_space(p + 3);
        } else if (src_.substr(p, 2) == "%}") {
          after = p + 2;
        }
        if (after != std::string_view::npos) {
          std::string_view text = src_.substr(body, open - body);
          if (sign == '-') text = utf8::strip(text, false, true);
          push_text(body, text);
          return after;
        }
      }
      search = open + 1;
    }
  }

  std::size_t lex_tag(std::size_t tag, std::size_t p, Tok begin) {
    push(begin, tag, src_.substr(tag, 2));
    const bool block = begin == Tok::kBlockBegin;
    std::vector<char> balance;  // closing brackets we wait for
    while (true) {
      p = skip_space(p);
      if (p >= src_.size()) return p;  // the parser reports the missing end
      if (balance.empty()) {
        if (block) {
          if (starts(p, "-%}")) return end_tag(Tok::kBlockEnd, p, 3, true);
          if (starts(p, "+%}")) return end_tag(Tok::kBlockEnd, p, 3, false);
          if (starts(p, "%}")) return end_tag(Tok::kBlockEnd, p, 2, false);
        } else {
          if (starts(p, "-}}")) return end_tag(Tok::kVarEnd, p, 3, true);
          if (starts(p, "}}")) return end_tag(Tok::kVarEnd, p, 2, false);
        }
      }
      p = lex_token(p, balance);
    }
  }

  std::size_t end_tag(Tok kind, std::size_t p, std::size_t length, bool strip_after) {
    push(kind, p, src_.substr(p, length));
    return strip_after ? skip_space(p + length) : p + length;
  }

  std::size_t lex_token(std::size_t p, std::vector<char>& balance) {
    const char c = src_[p];
    if (is_digit(c)) return lex_number(p);
    if (is_name_start(c)) {
      std::size_t q = p + 1;
      while (q < src_.size() && is_name_char(src_[q])) ++q;
      push(Tok::kName, p, src_.substr(p, q - p));
      return q;
    }
    if (c == '\'' || c == '"') return lex_string(p);
    static constexpr std::string_view kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
    for (std::string_view op : kTwo) {
      if (starts(p, op)) {
        push(Tok::kOperator, p, op);
        return p + 2;
      }
    }
    if (std::strchr("+-/*%~[](){}<>=.:|,;", c) == nullptr || c == '\0') {
      std::size_t q = p;
      const char32_t cp = utf8::next(src_, q);
      std::string shown;
      utf8::append(shown, cp);
      throw_error("unexpected character '" + shown + "'", offset(p));
    }
    if (c == '(' || c == '[' || c == '{') {
      balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (balance.empty()) throw_error(std::string("unexpected '") + c + "'", offset(p));
      if (balance.back() != c) {
        throw_error(std::string("unexpected '") + c + "', expected '" + balance.back() + "'", offset(p));
      }
      balance.pop_back();
    }
    push(Tok::kOperator, p, src_.substr(p, 1));
    return p + 1;
  }

  // Digits with single underscores between them: \d+(_\d+)*
  std::size_t digits(std::size_t p, int base = 10) const {
    auto ok = [&](char ch) { return base == 16 ? hex_value(ch) >= 0 : (ch >= '0' && ch < '0' + base); };
    while (p < src_.size() && ok(src_[p])) {
      ++p;
      if (p + 1 < src_.size() && src_[p] == '_' && ok(src_[p + 1])) ++p;
    }
    return p;
  }

  std::size_t lex_number(std::size_t p) {
    const bool after_dot = p > 0 && src_[p - 1] == '.';
    const std::size_t int_end = digits(p);
    if (!after_dot) {
      std::size_t q = int_end;
      bool is_float = false;
      if (q + 1 < src_.size() && src_[q] == '.' && is_digit(src_[q + 1])) {
        q = digits(q + 1);
        is_float = true;
      }
      if (q < src_.size() && (src_[q] == 'e' || src_[q] == 'E')) {
        std::size_t r = q + 1;
        if (r < src_.size() && (src_[r] == '+' || src_[r] == '-')) ++r;
        if (r < src_.size() && is_digit(src_[r])) {
          q = digits(r);
          is_float = true;
        }
      }
      if (is_float) return push_float(p, q);
    }
    // Integers: 0b.., 0o.., 0x.., or decimal (no leading zeros except 0).
    if (src_[p] == '0' && p + 1 < src_.size()) {
      const char prefix = utf8::ascii_lower(src_[p + 1]);
      const int base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : prefix == 'x' ? 16 : 0;
      if (base != 0) {
        std::size_t q = p + 2;
        if (q < src_.size() && src_[q] == '_') ++q;
        const std::size_t end = digits(q, base);
        if (end > q) return push_int(p, end, p + 2, base);
      }
    }
    std::size_t end = int_end;
    if (src_[p] == '0') {  // 0(_?0)*
      end = p + 1;
      while (end < src_.size() && (src_[end] == '0' || (src_[end] == '_' && end + 1 < src_.size() && src_[end + 1] == '0'))) ++end;
    }
    return push_int(p, end, p, 10);
  }

  std::size_t push_int(std::size_t p, std::size_t end, std::size_t digits_start, int base) {
    std::string clean;
    for (std::size_t i = digits_start; i < end; ++i) {
      if (src_[i] != '_') clean += src_[i];
    }
    long long value = 0;
    auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value, base);
    if (ec != std::errc() || ptr != clean.data() + clean.size()) {
      throw_error("integer literal is too large (integers are limited to 64 bits)", offset(p));
    }
    push(Tok::kInteger, p, src_.substr(p, end - p)).int_value = value;
    return end;
  }

  std::size_t push_float(std::size_t p, std::size_t end) {
    std::string clean;
    for (std::size_t i = p; i < end; ++i) {
      if (src_[i] != '_') clean += src_[i];
    }
    double value = 0;
    auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
    if (ec == std::errc::result_out_of_range) {
      // Python reads an overflowing literal as inf and an underflowing one as 0.0.
      const std::size_t e = clean.find_first_of("eE");
      const bool negative_exponent = e != std::string::npos && clean.find('-', e) != std::string::npos;
      value = negative_exponent ? 0.0 : HUGE_VAL;
    }
    push(Tok::kFloat, p, src_.substr(p, end - p)).float_value = value;
    return end;
  }

  std::size_t lex_string(std::size_t p) {
    const char quote = src_[p];
    std::size_t q = p + 1;
    while (q < src_.size() && src_[q] != quote) q += src_[q] == '\\' ? 2 : 1;
    if (q >= src_.size()) throw_error("string literal is never closed", offset(p));
    Token& token = push(Tok::kString, p, src_.substr(p, q + 1 - p));
    token.string_value = unescape(src_.substr(p + 1, q - p - 1), p);
    return q + 1;
  }

  // Python's string escapes, as Jinja2 decodes them ("unicode-escape").
  std::string unescape(std::string_view body, std::size_t at) const {
    std::string out;
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c != '\\' || i + 1 >= body.size()) {
        out += c;
        continue;
      }
      const char e = body[++i];
      switch (e) {
        case '\\': out += '\\'; continue;
        case '\'': out += '\''; continue;
        case '"': out += '"'; continue;
        case 'a': out += '\a'; continue;
        case 'b': out += '\b'; continue;
        case 'f': out += '\f'; continue;
        case 'n': out += '\n'; continue;
        case 'r': out += '\r'; continue;
        case 't': out += '\t'; continue;
        case 'v': out += '\v'; continue;
        case '\n': continue;  // line continuation
        default: break;
      }
      if (e >= '0' && e <= '7') {
        char32_t code = 0;
        std::size_t n = 0;
        while (n < 3 && i < body.size() && body[i] >= '0' && body[i] <= '7') code = code * 8 + (body[i++] - '0'), ++n;
        --i;
        utf8::append(out, code);
        continue;
      }
      const int width = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (width == 0) {
        if (e == 'N') throw_error("named escapes (\\N{...}) are not supported in string literals", offset(at));
        out += '\\';
        out += e;
        continue;
      }
      char32_t code = 0;
      for (int k = 0; k < width; ++k) {
        const int h = i + 1 < body.size() ? hex_value(body[i + 1]) : -1;
        if (h < 0) {
          throw_error(std::string("truncated \\") + e + " escape in string literal", offset(at));
        }
        code = code * 16 + static_cast<char32_t>(h);
        ++i;
      }
      if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        throw_error("invalid code point in \\" + std::string(1, e) + " escape in string literal", offset(at));
      }
      utf8::append(out, code);
    }
    return out;
  }

  std::size_t skip_space(std::size_t p) const {
    while (p < src_.size()) {
      const auto b = static_cast<unsigned char>(src_[p]);
      if (b < 0x80) {
        if (!utf8::is_space(b)) break;
        ++p;
        continue;
      }
      std::size_t q = p;
      if (!utf8::is_space(utf8::next(src_, q))) break;
      p = q;
    }
    return p;
  }

  bool starts(std::size_t p, std::string_view what) const { return src_.substr(p, what.size()) == what; }

  static std::uint32_t offset(std::size_t p) { return static_cast<std::uint32_t>(p); }

  void push_text(std::size_t at, std::string_view text) {
    if (!text.empty()) push(Tok::kText, at, text);
  }

  Token& push(Tok kind, std::size_t at, std::string_view text) {
    tokens_.push_back(Token{kind, offset(at), text, {}, 0, 0});
    return tokens_.back();
  }

  std::string_view src_;
  std::vector<Token> tokens_;
};

}  // namespace

std::string normalize_newlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

std::string describe(const Token& token) {
  switch (token.kind) {
    case Tok::kEnd:
      return "end of template";
    case Tok::kText:
      return "text";
    case Tok::kString:
      return "string " + std::string(token.text);
    default:
      return "'" + std::string(token.text) + "'";
  }
}

}  // namespace pier::tmpl::detail
