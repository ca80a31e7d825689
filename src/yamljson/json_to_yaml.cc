#include "yamljson/json_to_yaml.h"

#include <charconv>
#include <cmath>

#include "yamljson/scalar_resolve.h"

namespace pier::yamljson {

namespace {

bool is_indicator(char c) {
  switch (c) {
    case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}':
    case '#': case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
    case '%': case '@': case '`':
      return true;
    default:
      return false;
  }
}

bool has_control_char(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool can_be_plain(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ' || is_indicator(s.front())) return false;
  if (s.back() == ':') return false;
  if (has_control_char(s)) return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  if (s.starts_with("---") || s.starts_with("...")) return false;
  if (s.find("\xC2\x85") != std::string_view::npos ||      // NEL
      s.find("\xE2\x80\xA8") != std::string_view::npos ||  // line separator
      s.find("\xE2\x80\xA9") != std::string_view::npos ||  // paragraph separator
      s.find("\xEF\xBB\xBF") != std::string_view::npos)    // BOM
    return false;
  return !plain_scalar_is_ambiguous(s);
}

void append_double_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Literal block style keeps multi-line text (config files in ConfigMaps)
// readable. Only used when every line is free of control characters and
// no line is indented with tabs or trails with spaces that the chomping rules
// would keep ambiguous.
bool can_be_literal_block(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  if (s.front() == ' ' || s.front() == '\n') return false;  // would need an indentation indicator
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find('\n', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view line = s.substr(pos, end - pos);
    if (!line.empty() && line.back() == ' ') return false;
    pos = end + 1;
  }
  // A text of only newlines has no content line to set the indentation.
  return s.find_first_not_of('\n') != std::string_view::npos;
}

void append_literal_block(std::string& out, std::string_view s, int indent) {
  out.push_back('|');
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing == 0) out.push_back('-');
  else if (trailing > 1) out.push_back('+');
  out.push_back('\n');
  std::string pad(static_cast<size_t>(indent > 0 ? indent : 2), ' ');
  std::string_view body = s.substr(0, s.size() - trailing);
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    if (!line.empty()) out += pad;
    out += line;
    out.push_back('\n');
    pos = end + 1;
  }
  for (size_t i = 1; i < trailing; ++i) out.push_back('\n');
}

void append_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += ".nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-.inf" : ".inf";
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, end);
  // YAML 1.1 readers need a '.' to see a float: 1e-05 -> 1.0e-05, 3 -> 3.0.
  if (text.find('.') == std::string::npos) {
    size_t e = text.find('e');
    if (e == std::string::npos) text += ".0";
    else text.insert(e, ".0");
  }
  out += text;
}

void append_scalar(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: out += "null"; break;
    case nlohmann::json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
    case nlohmann::json::value_t::number_integer: out += std::to_string(value.get<int64_t>()); break;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(value.get<uint64_t>()); break;
    case nlohmann::json::value_t::number_float: append_float(out, value.get<double>()); break;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (can_be_plain(s)) out += s;
      else append_double_quoted(out, s);
      break;
    }
    default: out += "null"; break;
  }
}

bool is_inline(const nlohmann::json& value) {
  return !(value.is_object() || value.is_array()) || value.empty();
}

void append_inline(std::string& out, const nlohmann::json& value, int indent) {
  if (value.is_object()) out += "{}";
  else if (value.is_array()) out += "[]";
  else if (value.is_string() && can_be_literal_block(value.get_ref<const std::string&>()))
    append_literal_block(out, value.get_ref<const std::string&>(), indent);
  else append_scalar(out, value);
}

void append_block(std::string& out, const nlohmann::json& value, int column, const YamlStyle& style, bool first_inline);

// Writes a mapping or sequence whose first line continues the current line
// (after "- "), and the rest at `column`.
void append_block(std::string& out, const nlohmann::json& value, int column, const YamlStyle& style,
                  bool first_inline) {
  std::string pad(static_cast<size_t>(column), ' ');
  bool first = true;
  auto start_line = [&] {
    if (!(first && first_inline)) out += pad;
    first = false;
  };
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      start_line();
      const std::string& key = it.key();
      if (can_be_plain(key)) out += key;
      else append_double_quoted(out, key);
      out.push_back(':');
      const auto& child = it.value();
      if (is_inline(child)) {
        out.push_back(' ');
        append_inline(out, child, column + style.indent);
        if (out.back() != '\n') out.push_back('\n');
      } else {
        out.push_back('\n');
        int child_column = column + (child.is_array() && !style.indent_sequences ? 0 : style.indent);
        append_block(out, child, child_column, style, false);
      }
    }
  } else {
    for (const auto& item : value) {
      start_line();
      out += "- ";
      if (is_inline(item)) {
        append_inline(out, item, column + 2);
        if (out.back() != '\n') out.push_back('\n');
      } else {
        append_block(out, item, column + 2, style, true);
      }
    }
  }
}

}  // namespace

void append_yaml(std::string& out, const nlohmann::json& value, const YamlStyle& style) {
  if (is_inline(value)) {
    append_inline(out, value, style.indent);
    if (out.empty() || out.back() != '\n') out.push_back('\n');
    return;
  }
  append_block(out, value, 0, style, false);
}

std::string to_yaml(const nlohmann::json& value, const YamlStyle& style) {
  std::string out;
  append_yaml(out, value, style);
  return out;
}

std::string yaml_scalar(const std::string& text) {
  std::string out;
  if (can_be_plain(text)) return text;
  append_double_quoted(out, text);
  return out;
}

}  // namespace pier::yamljson
