#include "template/percent_format.h"

#include <cmath>
#include <cstdio>

#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

using nlohmann::json;

namespace {

struct Spec {
  bool left = false, zero = false, plus = false, space = false, alternate = false;
  int width = -1;
  int precision = -1;
  char conversion = 's';
};

void pad(std::string& out, std::string_view body, const Spec& spec, bool numeric) {
  const int length = static_cast<int>(utf8::length(body));
  const int fill = spec.width > length ? spec.width - length : 0;
  if (fill == 0) {
    out += body;
  } else if (spec.left) {
    out += body;
    out.append(static_cast<std::size_t>(fill), ' ');
  } else if (spec.zero && numeric) {
    // zeros go after the sign
    std::size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    out += body.substr(0, sign);
    out.append(static_cast<std::size_t>(fill), '0');
    out += body.substr(sign);
  } else {
    out.append(static_cast<std::size_t>(fill), ' ');
    out += body;
  }
}

std::string c_format(const Spec& spec, const char* length_modifier, char conversion, auto value) {
  std::string fmt = "%";
  if (spec.plus) fmt += '+';
  if (spec.space) fmt += ' ';
  if (spec.alternate) fmt += '#';
  if (spec.precision >= 0) fmt += "." + std::to_string(spec.precision);
  fmt += length_modifier;
  fmt += conversion;
  char buf[512];
  const int n = std::snprintf(buf, sizeof buf, fmt.c_str(), value);
  if (n < 0 || n >= static_cast<int>(sizeof buf)) throw_error("formatted number is too long");
  return std::string(buf, static_cast<std::size_t>(n));
}

void format_one(std::string& out, const Spec& spec, const json& arg) {
  const char c = spec.conversion;
  if (c == 's' || c == 'r') {
    std::string text = c == 's' ? to_str(arg) : to_repr(arg);
    if (spec.precision >= 0) {
      const auto offsets = utf8::offsets(text);
      if (static_cast<std::size_t>(spec.precision) + 1 < offsets.size()) text.resize(offsets[spec.precision]);
    }
    pad(out, text, spec, false);
    return;
  }
  if (c == 'c') {
    std::string text;
    if (arg.is_string() && utf8::length(arg.get_ref<const std::string&>()) == 1) {
      text = arg.get<std::string>();
    } else if (arg.is_number_integer() || arg.is_boolean()) {
      const long long code = to_int64(arg);
      if (code < 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) throw_error("%c arg not in range(0x110000)");
      utf8::append(text, static_cast<char32_t>(code));
    } else {
      throw_error("%c requires int or char");
    }
    pad(out, text, spec, false);
    return;
  }
  if (!is_number(arg)) {
    const bool integer_only = c == 'x' || c == 'X' || c == 'o';
    throw_error(std::string("%") + c + " format: " + (integer_only ? "an integer" : "a real number") +
                " is required, not " + type_name(arg));
  }
  std::string body;
  switch (c) {
    case 'd':
    case 'i': {
      if (arg.is_number_float()) {
        const double d = arg.get<double>();
        if (!std::isfinite(d)) throw_error("cannot convert float " + to_str(arg) + " to integer");
        if (std::fabs(d) >= 9.2e18) throw_error("integer overflow (integers are limited to 64 bits)");
        body = c_format(spec, "ll", 'd', static_cast<long long>(d));
      } else {
        body = c_format(spec, "ll", 'd', to_int64(arg));
      }
      break;
    }
    case 'x':
    case 'X':
    case 'o': {
      if (arg.is_number_float()) throw_error(std::string("%") + c + " format: an integer is required, not float");
      const long long v = to_int64(arg);
      const unsigned long long magnitude = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
      Spec unsigned_spec = spec;
      unsigned_spec.plus = unsigned_spec.space = false;
      std::string digits = c_format(unsigned_spec, "ll", c, magnitude);
      if (spec.alternate && c == 'o' && digits.rfind("0", 0) == 0 && digits != "0") digits.erase(0, 1);
      if (spec.alternate && c == 'o') digits.insert(0, "0o");
      body = (v < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "") + digits;
      break;
    }
    default: {  // e E f F g G
      const double d = to_double(arg);
      if (std::isnan(d) || std::isinf(d)) {
        std::string text = std::isnan(d) ? "nan" : (d < 0 ? "-inf" : spec.plus ? "+inf" : spec.space ? " inf" : "inf");
        if (c == 'E' || c == 'F' || c == 'G') text = utf8::ascii_upper(text);
        pad(out, text, spec, false);
        return;
      }
      Spec s = spec;
      if (s.precision < 0) s.precision = 6;
      body = c_format(s, "", c, d);
    }
  }
  pad(out, body, spec, true);
}

}  // namespace

std::string percent_format(std::string_view format, const json& args, bool is_tuple) {
  std::string out;
  std::size_t next_arg = 0;
  bool used_mapping = false;
  const std::size_t arg_count = is_tuple ? args.size() : 1;
  auto take_arg = [&]() -> const json& {
    if (next_arg >= arg_count) throw_error("not enough arguments for format string");
    return is_tuple ? args[next_arg++] : (++next_arg, args);
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char ch = format[i];
    if (ch != '%') {
      const std::size_t next = format.find('%', i);
      const std::size_t end = next == std::string_view::npos ? format.size() : next;
      out.append(format, i, end - i);
      i = end - 1;
      continue;
    }
    const std::size_t start = i;
    if (++i >= format.size()) throw_error("incomplete format");
    const json* mapped = nullptr;
    if (format[i] == '(') {
      const std::size_t close = format.find(')', i);
      if (close == std::string_view::npos) throw_error("incomplete format key");
      if (is_tuple || !args.is_object()) throw_error("format requires a mapping");
      const std::string key(format.substr(i + 1, close - i - 1));
      auto it = args.find(key);
      if (it == args.end()) throw_error("KeyError: " + to_repr(json(key)));
      mapped = &*it;
      used_mapping = true;
      i = close + 1;
    }
    Spec spec;
    for (; i < format.size(); ++i) {
      const char f = format[i];
      if (f == '-') spec.left = true;
      else if (f == '0') spec.zero = true;
      else if (f == '+') spec.plus = true;
      else if (f == ' ') spec.space = true;
      else if (f == '#') spec.alternate = true;
      else break;
    }
    auto number = [&](int& target) {
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
        target = (target < 0 ? 0 : target) * 10 + (format[i++] - '0');
        if (target > 1000) throw_error("width or precision too big in format string");
      }
    };
    number(spec.width);
    if (i < format.size() && format[i] == '.') {
      ++i;
      spec.precision = 0;
      number(spec.precision);
    }
    while (i < format.size() && (format[i] == 'l' || format[i] == 'h' || format[i] == 'L')) ++i;
    if (i >= format.size()) throw_error("incomplete format");
    spec.conversion = format[i];
    if (spec.conversion == '%') {
      out += '%';
      continue;
    }
    static constexpr std::string_view kConversions = "srdifFeEgGxXoc";
    if (kConversions.find(spec.conversion) == std::string_view::npos) {
      std::string shown;
      std::size_t j = i;
      utf8::append(shown, utf8::next(format, j));
      throw_error("unsupported format character '" + shown + "' at index " + std::to_string(start + (i - start)));
    }
    format_one(out, spec, mapped != nullptr ? *mapped : take_arg());
    if (out.size() > kMaxSequenceSize) throw_error("result of '%' formatting is too long");
  }
  // Python skips this check when the single argument is a mapping, and a
  // list counts as one (it has __getitem__).
  if (!used_mapping && next_arg < arg_count && !(args.is_structured() && !is_tuple)) {
    throw_error("not all arguments converted during string formatting");
  }
  return out;
}

}  // namespace pier::tmpl::detail
