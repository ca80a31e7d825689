#include "template/value_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "template/template_error.h"
#include "template/utf8.h"

namespace pier::tmpl::detail {

using nlohmann::json;

namespace {

void check_depth(int depth) {
  if (depth > kMaxValueDepth) {
    throw_error("value is nested too deeply (more than " + std::to_string(kMaxValueDepth) + " levels)");
  }
}

void append_repr_at(std::string& out, const json& value, int depth);

void append_str_at(std::string& out, const json& value, int depth) {
  switch (value.type()) {
    case json::value_t::string:
      out += value.get_ref<const std::string&>();
      return;
    case json::value_t::null:
      out += "None";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "True" : "False";
      return;
    case json::value_t::number_integer:
      append_int(out, value.get<long long>());
      return;
    case json::value_t::number_unsigned: {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value.get<unsigned long long>());
      out.append(buf, end);
      return;
    }
    case json::value_t::number_float:
      append_float(out, value.get<double>());
      return;
    default:
      append_repr_at(out, value, depth);
  }
}

void append_repr_at(std::string& out, const json& value, int depth) {
  switch (value.type()) {
    case json::value_t::string:
      append_string_repr(out, value.get_ref<const std::string&>());
      return;
    case json::value_t::array: {
      check_depth(depth + 1);
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        append_repr_at(out, item, depth + 1);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      check_depth(depth + 1);
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        append_string_repr(out, key);
        out += ": ";
        append_repr_at(out, item, depth + 1);
      }
      out += '}';
      return;
    }
    default:
      append_str_at(out, value, depth);
  }
}

// Python's str.isprintable() for one code point, approximated by the
// non-printable ranges that occur in practice (controls, format characters,
// separators other than ' ', surrogates, private use).
bool is_printable(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) return false;
  if (c < 0x600) return true;
  if ((c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F || c == 0x890 || c == 0x891 ||
      c == 0x8E2 || c == 0x180E || c == 0x1680)
    return false;
  if ((c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x2064) ||
      (c >= 0x2066 && c <= 0x206F) || c == 0x3000)
    return false;
  if ((c >= 0xD800 && c <= 0xF8FF) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) || c == 0xFFFE || c == 0xFFFF)
    return false;
  if (c == 0x110BD || c == 0x110CD || (c >= 0x13430 && c <= 0x1343F) || (c >= 0x1BCA0 && c <= 0x1BCA3) ||
      (c >= 0x1D173 && c <= 0x1D17A) || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F) || c >= 0xF0000)
    return false;
  return true;
}

void append_hex(std::string& out, char32_t c, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
}

}  // namespace

void append_int(std::string& out, long long value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void append_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  // Shortest round-trip digits, then laid out the way Python's repr does.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, end - buf);  // "-1.2345e+16"
  bool negative = false;
  if (!sci.empty() && sci[0] == '-') {
    negative = true;
    sci.remove_prefix(1);
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  if (negative) out += '-';
  const int n = static_cast<int>(digits.size());
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    } else if (n <= exponent + 1) {
      out += digits;
      out.append(static_cast<std::size_t>(exponent + 1 - n), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(exponent + 1));
      out += '.';
      out.append(digits, static_cast<std::size_t>(exponent + 1));
    }
    return;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += 'e';
  out += exponent < 0 ? '-' : '+';
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10) out += '0';
  append_int(out, magnitude);
}

void append_string_repr(std::string& out, std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  out += quote;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      if (byte == static_cast<unsigned char>(quote) || byte == '\\') out += '\\';
      out += static_cast<char>(byte);
      ++i;
      continue;
    }
    const char32_t c = utf8::next(text, i);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (is_printable(c)) {
      utf8::append(out, c);
    } else if (c < 0x100) {
      out += "\\x";
      append_hex(out, c, 2);
    } else if (c < 0x10000) {
      out += "\\u";
      append_hex(out, c, 4);
    } else {
      out += "\\U";
      append_hex(out, c, 8);
    }
  }
  out += quote;
}

void append_str(std::string& out, const json& value) { append_str_at(out, value, 0); }
void append_repr(std::string& out, const json& value) { append_repr_at(out, value, 0); }

std::string to_str(const json& value) {
  std::string out;
  append_str(out, value);
  return out;
}

std::string to_repr(const json& value) {
  std::string out;
  append_repr(out, value);
  return out;
}

const char* type_name(json::value_t type) {
  switch (type) {
    case json::value_t::null:
      return "NoneType";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "int";
    case json::value_t::number_float:
      return "float";
    case json::value_t::string:
      return "str";
    case json::value_t::array:
      return "list";
    case json::value_t::object:
      return "dict";
    default:
      return "object";
  }
}

std::string object_type_repr(json::value_t type) {
  if (type == json::value_t::null) return "None";
  return std::string(type_name(type)) + " object";
}

}  // namespace pier::tmpl::detail
