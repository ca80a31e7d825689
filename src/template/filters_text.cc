// String filters: case, replace, trim, indent, quote, split, base64, ...
#include "template/evaluator.h"
#include "template/filters.h"
#include "template/percent_format.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/text_ops.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

std::string input_text(FilterCall& c) { return c.ev.text(c.input); }

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void check_encoding(FilterCall& c) {
  const json& encoding = c.arg(0);
  if (!encoding.is_string()) throw_error("'encoding' must be a string");
  const std::string e = utf8::ascii_lower(encoding.get_ref<const std::string&>());
  if (e != "utf-8" && e != "utf8") throw_error("only the utf-8 encoding is supported, not '" + encoding.get<std::string>() + "'");
}

}  // namespace

Value filter_lower(FilterCall& c) { return Value::own(utf8::ascii_lower(input_text(c))); }
Value filter_upper(FilterCall& c) { return Value::own(utf8::ascii_upper(input_text(c))); }
Value filter_capitalize(FilterCall& c) { return Value::own(py_capitalize(input_text(c))); }
Value filter_title(FilterCall& c) { return Value::own(py_title(input_text(c))); }

Value filter_replace(FilterCall& c) {
  const long long count = c.arg_is_none(2) ? -1 : c.arg_int(2, "count");
  return Value::own(py_replace(input_text(c), c.arg_text(0), c.arg_text(1), count));
}

Value filter_trim(FilterCall& c) {
  const std::string s = input_text(c);
  if (c.arg_is_none(0)) return Value::own(std::string(utf8::strip(s)));
  const json& chars = c.arg(0);
  if (!chars.is_string()) throw_error(std::string("strip arg must be None or str, not ") + type_name(chars));
  return Value::own(std::string(utf8::strip_chars(s, chars.get_ref<const std::string&>())));
}

Value filter_indent(FilterCall& c) {
  const json& width = c.arg(0);
  std::string indention;
  if (width.is_string()) {
    indention = width.get<std::string>();
  } else if (width.is_number_integer() || width.is_boolean()) {
    const long long n = to_int64(width);
    if (n > 10'000) throw_error("indent width is too large");
    if (n > 0) indention.assign(static_cast<std::size_t>(n), ' ');
  } else {
    throw_error(std::string("can't multiply sequence by non-int of type '") + type_name(width) + "'");
  }
  const json& input = c.ev.need(c.input);
  if (!input.is_string()) throw_error(std::string("unsupported operand type(s) for +=: '") + type_name(input) + "' and 'str'");
  const std::string s = input.get<std::string>() + "\n";  // Jinja2's quirk for splitlines
  const std::vector<std::string_view> lines = utf8::split_lines(s);
  if (s.size() + lines.size() * (indention.size() + 1) > kMaxSequenceSize) throw_error("result of indent is too long");
  std::string out;
  if (c.arg_bool(2)) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out += "\n" + indention;
      out += lines[i];
    }
  } else {
    out = std::string(lines.front());
    for (std::size_t i = 1; i < lines.size(); ++i) {
      out += '\n';
      if (!lines[i].empty()) out += indention;
      out += lines[i];
    }
  }
  if (c.arg_bool(1)) out.insert(0, indention);
  if (out.size() > kMaxSequenceSize) throw_error("result of indent is too long");
  return Value::own(std::move(out));
}

Value filter_center(FilterCall& c) {
  const std::string s = input_text(c);
  const long long width = c.arg_int(0, "width");
  const auto length = static_cast<long long>(utf8::length(s));
  if (width <= length) return Value::own(s);
  if (width > static_cast<long long>(kMaxSequenceSize)) throw_error("center width is too large");
  const long long margin = width - length;
  const long long left = margin / 2 + (margin & width & 1);
  std::string out(static_cast<std::size_t>(left), ' ');
  out += s;
  out.append(static_cast<std::size_t>(margin - left), ' ');
  return Value::own(std::move(out));
}

Value filter_quote(FilterCall& c) {
  // Ansible's quote is Python's shlex.quote (None quotes as '').
  const std::string s = c.input.is_json() && c.input.get().is_null() ? std::string() : input_text(c);
  if (s.empty()) return Value::own("''");
  const bool safe = std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("_@%+=:,./-").find(ch) != std::string_view::npos;
  });
  if (safe) return Value::own(s);
  return Value::own("'" + py_replace(s, "'", "'\"'\"'") + "'");
}

Value filter_string(FilterCall& c) { return Value::own(input_text(c)); }

Value filter_format(FilterCall& c) {
  json args = json::array();
  for (const Value& v : c.extra) args.push_back(c.ev.copy(c.ev.need(v)));
  return Value::own(percent_format(input_text(c), args, true));
}

Value filter_split(FilterCall& c) {
  const std::string s = input_text(c);
  const long long max_split = c.arg_int(1, "maxsplit");
  json parts = json::array();
  if (c.arg_is_none(0)) {
    for (auto p : utf8::split_whitespace(s, max_split)) parts.push_back(std::string(p));
  } else {
    const json& sep = c.arg(0);
    if (!sep.is_string()) throw_error(std::string("must be str or None, not ") + type_name(sep));
    for (auto& p : py_split(s, sep.get_ref<const std::string&>(), max_split)) parts.push_back(std::move(p));
  }
  return Value::own(std::move(parts));
}

Value filter_b64encode(FilterCall& c) {
  check_encoding(c);
  const std::string s = input_text(c);
  std::string out;
  out.reserve((s.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= s.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                       static_cast<unsigned char>(s[i + 2]);
    out += kBase64Alphabet[v >> 18];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (i + 1 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += kBase64Alphabet[v >> 18];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    const unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    out += kBase64Alphabet[v >> 18];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += '=';
  }
  return Value::own(std::move(out));
}

Value filter_b64decode(FilterCall& c) {
  // Python's base64.b64decode without validation (binascii.a2b_base64):
  // characters outside the alphabet are skipped, a complete padded quad ends
  // the input, and a dangling quad is an error.
  check_encoding(c);
  const std::string s = input_text(c);
  std::string out;
  int quad_pos = 0, pads = 0;
  unsigned left = 0;
  for (char ch : s) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x80) throw_error("string argument should contain only ASCII characters");
    if (ch == '=') {
      if (quad_pos >= 2 && quad_pos + ++pads >= 4) {
        quad_pos = 0;
        break;
      }
      continue;
    }
    const char* at = std::strchr(kBase64Alphabet, ch);
    if (at == nullptr || ch == '\0') continue;
    const auto v = static_cast<unsigned>(at - kBase64Alphabet);
    pads = 0;
    switch (quad_pos) {
      case 0:
        left = v;
        quad_pos = 1;
        break;
      case 1:
        out += static_cast<char>((left << 2) | (v >> 4));
        left = v & 0x0F;
        quad_pos = 2;
        break;
      case 2:
        out += static_cast<char>((left << 4) | (v >> 2));
        left = v & 0x03;
        quad_pos = 3;
        break;
      default:
        out += static_cast<char>((left << 6) | v);
        quad_pos = 0;
        break;
    }
  }
  if (quad_pos == 1) {
    throw_error("invalid base64-encoded string: number of data characters (" + std::to_string(out.size() / 3 * 4 + 1) +
                ") cannot be 1 more than a multiple of 4");
  }
  if (quad_pos != 0) throw_error("invalid base64-encoded string: incorrect padding");
  return Value::own(std::move(out));
}

}  // namespace pier::tmpl::detail
