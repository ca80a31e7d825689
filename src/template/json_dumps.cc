#include "template/json_dumps.h"

#include <array>
#include <cmath>
#include <string_view>

#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

using nlohmann::json;

namespace {

void append_u_escape(std::string& out, unsigned code) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 0xF];
}

// Printable ASCII that stands for itself whatever the options: copied in runs.
constexpr auto kPlain = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x7F; ++c) table[c] = true;
  for (unsigned char c : std::string_view("\"\\<>&'")) table[c] = false;
  return table;
}();

void append_string(std::string& out, const std::string& text, const DumpOptions& options) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t run = i;
    while (i < text.size() && kPlain[static_cast<unsigned char>(text[i])]) ++i;
    out.append(text, run, i - run);
    if (i == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      switch (byte) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        default: break;
      }
      const bool html_escape = options.html_safe && (byte == '<' || byte == '>' || byte == '&' || byte == '\'');
      if (byte < 0x20 || (byte == 0x7F && options.ensure_ascii) || html_escape) {
        append_u_escape(out, byte);
      } else {
        out += static_cast<char>(byte);
      }
      continue;
    }
    const std::size_t start = i;
    const char32_t c = utf8::next(text, i);
    if (c >= 0xDC80 && c <= 0xDCFF) throw_error("cannot convert a string with invalid UTF-8 to JSON");
    if (!options.ensure_ascii) {
      out.append(text, start, i - start);
    } else if (c < 0x10000) {
      append_u_escape(out, c);
    } else {
      const char32_t v = c - 0x10000;
      append_u_escape(out, 0xD800 + (v >> 10));
      append_u_escape(out, 0xDC00 + (v & 0x3FF));
    }
  }
  out += '"';
}

void newline(std::string& out, const DumpOptions& options, int level) {
  out += '\n';
  out.append(static_cast<std::size_t>(options.indent) * static_cast<std::size_t>(level), ' ');
}

void dump(std::string& out, const json& value, const DumpOptions& options, int level) {
  if (level > kMaxValueDepth) {
    throw_error("value is nested too deeply (more than " + std::to_string(kMaxValueDepth) + " levels)");
  }
  const bool pretty = options.indent >= 0;
  const char* item_separator = pretty ? "," : ", ";
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_float: {
      const double d = value.get<double>();
      if (std::isnan(d)) {
        out += "NaN";
      } else if (std::isinf(d)) {
        out += d < 0 ? "-Infinity" : "Infinity";
      } else {
        append_float(out, d);
      }
      return;
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      append_str(out, value);
      return;
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>(), options);
      return;
    case json::value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += item_separator;
        first = false;
        if (pretty) newline(out, options, level + 1);
        dump(out, item, options, level + 1);
      }
      if (pretty) newline(out, options, level);
      out += ']';
      return;
    }
    case json::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += item_separator;
        first = false;
        if (pretty) newline(out, options, level + 1);
        append_string(out, key, options);
        out += ": ";
        dump(out, item, options, level + 1);
      }
      if (pretty) newline(out, options, level);
      out += '}';
      return;
    }
    default:
      out += "null";
  }
}

}  // namespace

void append_json_dumps(std::string& out, const json& value, const DumpOptions& options) {
  dump(out, value, options, 0);
}

}  // namespace pier::tmpl::detail
