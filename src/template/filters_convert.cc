// Conversion and serialisation filters: int, float, bool, abs, round,
// to_json, to_nice_json, tojson, to_yaml, to_nice_yaml, ternary, mandatory.
#include <charconv>
#include <cmath>
#include <limits>

#include "template/evaluator.h"
#include "template/filters.h"
#include "template/json_dumps.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"
#include "yamljson/json_to_yaml.h"

namespace pier::tmpl::detail {

namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Python int(text, base). Returns false when Python raises ValueError.
bool parse_python_int(std::string_view text, int base, long long& result) {
  text = utf8::strip(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto has_prefix = [&](char p) {
    return text.size() >= 2 && text[0] == '0' && (text[1] == p || text[1] == static_cast<char>(p - 32));
  };
  bool prefixed = false;
  if ((base == 16 || base == 0) && has_prefix('x')) base = 16, prefixed = true;
  else if ((base == 8 || base == 0) && has_prefix('o')) base = 8, prefixed = true;
  else if ((base == 2 || base == 0) && has_prefix('b')) base = 2, prefixed = true;
  if (prefixed) {
    text.remove_prefix(2);
    if (!text.empty() && text[0] == '_') text.remove_prefix(1);
  } else if (base == 0) {
    // base 0 without prefix: decimal, and no leading zeros except "0".
    base = 10;
    const std::size_t first_nonzero = text.find_first_not_of("0_");
    if (!text.empty() && text[0] == '0' && first_nonzero != std::string_view::npos) return false;
  }
  if (text.empty()) return false;
  __int128 value = 0;
  bool previous_digit = false;
  for (char c : text) {
    if (c == '_') {
      if (!previous_digit) return false;
      previous_digit = false;
      continue;
    }
    const int d = digit_value(c);
    if (d >= base) return false;
    value = value * base + d;
    if (value > static_cast<__int128>(std::numeric_limits<long long>::max()) + 1) {
      throw_error("integer overflow (integers are limited to 64 bits)");
    }
    previous_digit = true;
  }
  if (!previous_digit) return false;
  if (negative) value = -value;
  if (value > std::numeric_limits<long long>::max()) throw_error("integer overflow (integers are limited to 64 bits)");
  result = static_cast<long long>(value);
  return true;
}

// Python float(text). Returns false when Python raises ValueError.
bool parse_python_float(std::string_view text, double& result) {
  text = utf8::strip(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const std::string lower = utf8::ascii_lower(text);
  if (lower == "inf" || lower == "infinity") {
    result = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (lower == "nan") {
    result = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // digits with single underscores between digits, '.', exponent
  std::string clean;
  bool digits_before = false, digits_after = false, seen_dot = false, seen_exp = false, exp_digits = false;
  char previous = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      clean += c;
      if (seen_exp) exp_digits = true;
      else if (seen_dot) digits_after = true;
      else digits_before = true;
    } else if (c == '_') {
      if (!(previous >= '0' && previous <= '9') || i + 1 >= text.size() || !(text[i + 1] >= '0' && text[i + 1] <= '9')) return false;
    } else if (c == '.' && !seen_dot && !seen_exp) {
      seen_dot = true;
      clean += c;
    } else if ((c == 'e' || c == 'E') && !seen_exp && (digits_before || digits_after)) {
      seen_exp = true;
      clean += 'e';
      if (i + 1 < text.size() && (text[i + 1] == '+' || text[i + 1] == '-')) clean += text[++i];
    } else {
      return false;
    }
    previous = c;
  }
  if (!(digits_before || digits_after) || (seen_exp && !exp_digits)) return false;
  double value = 0;
  auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
  if (ec == std::errc::result_out_of_range) {
    const std::size_t e = clean.find('e');
    value = (e != std::string::npos && clean.find('-', e) != std::string::npos) ? 0.0 : HUGE_VAL;
  } else if (ec != std::errc() || ptr != clean.data() + clean.size()) {
    return false;
  }
  result = negative ? -value : value;
  return true;
}

// Python round(x, ndigits) for a float: the exact decimal value of x
// rounded half-to-even at the digit, then read back.
double round_half_even(double x, long long ndigits) {
  if (!std::isfinite(x) || ndigits > 330) return x;
  if (ndigits < -330) return std::copysign(0.0, x);
  static thread_local char buf[1500];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::fixed, 1100);
  std::string digits(buf, end);  // exact: every double has a finite decimal expansion
  const std::size_t dot = digits.find('.');
  std::string int_part = digits.substr(0, dot);
  std::string frac = digits.substr(dot + 1);
  // All digits as one string with the decimal point after int_part.size().
  std::string all = int_part + frac;
  const long long point = static_cast<long long>(int_part.size());
  const long long keep = point + ndigits;  // digits kept before the rounding position
  if (keep < 0) return std::copysign(0.0, x);
  std::string kept = all.substr(0, static_cast<std::size_t>(std::min<long long>(keep, static_cast<long long>(all.size()))));
  const std::string rest = keep < static_cast<long long>(all.size()) ? all.substr(static_cast<std::size_t>(keep)) : std::string();
  bool round_up = false;
  if (!rest.empty()) {
    if (rest[0] > '5') {
      round_up = true;
    } else if (rest[0] == '5') {
      const bool more = rest.find_first_not_of('0', 1) != std::string::npos;
      const int last = kept.empty() ? 0 : kept.back() - '0';
      round_up = more || (last % 2 == 1);
    }
  }
  if (round_up) {
    long long i = static_cast<long long>(kept.size()) - 1;
    while (i >= 0 && kept[static_cast<std::size_t>(i)] == '9') kept[static_cast<std::size_t>(i--)] = '0';
    if (i >= 0) {
      ++kept[static_cast<std::size_t>(i)];
    } else {
      kept.insert(kept.begin(), '1');
    }
  }
  if (kept.empty()) kept = "0";
  const long long exponent = -ndigits;  // value = kept * 10^exponent (after a carry too)
  const std::string text = kept + "e" + std::to_string(exponent);
  double value = 0;
  auto [ptr, ec2] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec2 == std::errc::result_out_of_range) value = HUGE_VAL;
  return std::copysign(value, x);
}

long long round_int_half_even(long long x, long long ndigits) {
  if (ndigits >= 0) return x;
  if (ndigits < -18) return 0;
  long long p = 1;
  for (long long k = 0; k < -ndigits; ++k) p *= 10;
  long long q = x / p, r = x % p;
  if (r < 0) r += p, q -= 1;  // floor division
  if (2 * static_cast<__int128>(r) > p || (2 * static_cast<__int128>(r) == p && (q % 2 != 0))) q += 1;
  long long result;
  if (__builtin_mul_overflow(q, p, &result)) throw_error("integer overflow (integers are limited to 64 bits)");
  return result;
}

json dump_with(FilterCall& c, const json& value, DumpOptions options) {
  c.ev.charge_value(value);
  std::string out;
  append_json_dumps(out, value, options);
  return out;
}

int indent_arg(FilterCall& c, std::size_t i) {
  if (c.arg_is_none(i)) return -1;
  const long long n = c.arg_int(i, "indent");
  if (n > 64) throw_error("'indent' is too large");
  return n < 0 ? 0 : static_cast<int>(n);
}

json yaml_of(FilterCall& c, int indent) {
  const json& value = c.ev.need(c.input);
  c.ev.charge_value(value);
  if (indent < 1 || indent > 16) throw_error("'indent' must be between 1 and 16");
  try {
    return yamljson::to_yaml(value, yamljson::YamlStyle{indent, false});
  } catch (const std::exception& e) {
    throw_error(std::string("cannot convert to YAML: ") + e.what());
  }
}

}  // namespace

Value filter_int(FilterCall& c) {
  const json& v = c.ev.need(c.input);
  long long result = 0;
  if (v.is_string()) {
    const long long base = c.arg_int(1, "base");
    if (base != 0 && (base < 2 || base > 36)) throw_error("int() base must be >= 2 and <= 36, or 0");
    if (parse_python_int(v.get_ref<const std::string&>(), static_cast<int>(base), result)) return Value::own(result);
    double d = 0;
    if (!parse_python_float(v.get_ref<const std::string&>(), d) || !std::isfinite(d)) return std::move(c.args[0]);
    if (std::fabs(d) >= 9.2e18) throw_error("integer overflow (integers are limited to 64 bits)");
    return Value::own(static_cast<long long>(d));
  }
  if (v.is_boolean() || v.is_number_integer() || v.is_number_unsigned()) return Value::own(to_int64(v));
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return std::move(c.args[0]);
    if (std::fabs(d) >= 9.2e18) throw_error("integer overflow (integers are limited to 64 bits)");
    return Value::own(static_cast<long long>(d));
  }
  return std::move(c.args[0]);
}

Value filter_float(FilterCall& c) {
  const json& v = c.ev.need(c.input);
  if (v.is_string()) {
    double d = 0;
    if (parse_python_float(v.get_ref<const std::string&>(), d)) return Value::own(d);
    return std::move(c.args[0]);
  }
  if (is_number(v)) return Value::own(to_double(v));
  return std::move(c.args[0]);
}

Value filter_bool(FilterCall& c) {
  // Ansible's bool: None and booleans pass through; 'yes', 'on', '1',
  // 'true' (any case) and 1 are true; everything else is false.
  const json& v = c.ev.need(c.input);
  if (v.is_null() || v.is_boolean()) return Value::own(v);
  if (v.is_string()) {
    const std::string s = utf8::ascii_lower(v.get_ref<const std::string&>());
    return Value::own(s == "yes" || s == "on" || s == "1" || s == "true");
  }
  if (v.is_number()) return Value::own(py_equal(v, json(1)));
  return Value::own(false);
}

Value filter_abs(FilterCall& c) {
  const json& v = c.ev.need(c.input);
  if (v.is_number_float()) return Value::own(std::fabs(v.get<double>()));
  if (!is_number(v)) throw_error(std::string("bad operand type for abs(): '") + type_name(v) + "'");
  const long long i = to_int64(v);
  if (i == std::numeric_limits<long long>::min()) throw_error("integer overflow (integers are limited to 64 bits)");
  return Value::own(i < 0 ? -i : i);
}

Value filter_round(FilterCall& c) {
  const json& v = c.ev.need(c.input);
  const long long precision = c.arg_int(0, "precision");
  const json& method = c.arg(1);
  if (!method.is_string() || (method != "common" && method != "ceil" && method != "floor")) {
    throw_error("method must be common, ceil or floor");
  }
  if (!is_number(v)) throw_error(std::string("type ") + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (!v.is_number_float()) return Value::own(round_int_half_even(to_int64(v), precision));
    return Value::own(round_half_even(v.get<double>(), precision));
  }
  // math.ceil / math.floor of value * 10**precision, divided back (true division).
  const double scale = std::pow(10.0, static_cast<double>(precision));
  if (precision > 300 || precision < -300) throw_error("'precision' is out of range");
  const double scaled = to_double(v) * scale;
  if (std::isinf(scaled)) throw_error("cannot convert float infinity to integer");
  if (std::isnan(scaled)) throw_error("cannot convert float NaN to integer");
  const double rounded = method == "ceil" ? std::ceil(scaled) : std::floor(scaled);
  return Value::own(rounded / scale);
}

Value filter_to_json(FilterCall& c) {
  DumpOptions options;
  options.indent = indent_arg(c, 0);
  options.ensure_ascii = c.arg_bool(1);
  return Value::own(dump_with(c, c.ev.need(c.input), options));
}

Value filter_to_nice_json(FilterCall& c) { return filter_to_json(c); }

Value filter_tojson(FilterCall& c) {
  DumpOptions options;
  options.indent = indent_arg(c, 0);
  options.html_safe = true;
  return Value::own(dump_with(c, c.ev.need(c.input), options));
}

Value filter_to_yaml(FilterCall& c) { return Value::own(yaml_of(c, static_cast<int>(c.arg_int(0, "indent")))); }
Value filter_to_nice_yaml(FilterCall& c) { return filter_to_yaml(c); }

Value filter_ternary(FilterCall& c) {
  if (c.input.is_json() && c.input.get().is_null() && !c.arg_is_none(2)) return std::move(c.args[2]);
  return c.ev.truthy(c.input) ? std::move(c.args[0]) : std::move(c.args[1]);
}

Value filter_mandatory(FilterCall& c) {
  if (c.input.is_undefined()) {
    if (!c.arg_is_none(0)) throw_error(c.arg_text(0), c.input.undefined_offset());
    throw_error("mandatory value is undefined: " + undefined_message(c.input), c.input.undefined_offset());
  }
  return std::move(c.input);
}

}  // namespace pier::tmpl::detail
