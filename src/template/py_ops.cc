#include "template/py_ops.h"

#include <cmath>
#include <limits>
#include <string>

#include "template/template_error.h"
#include "template/text_ops.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

using nlohmann::json;

namespace {

// A Python number: an int (bools included) or a float.
struct Num {
  bool is_float = false;
  long long i = 0;
  double f = 0;
  double as_double() const { return is_float ? f : static_cast<double>(i); }
};

bool to_num(const json& v, Num& n) {
  switch (v.type()) {
    case json::value_t::boolean:
      n.i = v.get<bool>() ? 1 : 0;
      return true;
    case json::value_t::number_integer:
      n.i = v.get<long long>();
      return true;
    case json::value_t::number_unsigned:
      n.i = to_int64(v);
      return true;
    case json::value_t::number_float:
      n.is_float = true;
      n.f = v.get<double>();
      return true;
    default:
      return false;
  }
}

[[noreturn]] void overflow() { throw_error("integer overflow (integers are limited to 64 bits)"); }

[[noreturn]] void unsupported(const char* op, const json& a, const json& b) {
  throw_error(std::string("unsupported operand type(s) for ") + op + ": '" + type_name(a) + "' and '" +
              type_name(b) + "'");
}

const char* op_symbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kFloorDiv: return "//";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "**";
  }
  return "?";
}

const char* op_symbol(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    default: return "==";
  }
}

// Python's float floor division and modulo (float_divmod in floatobject.c).
void float_divmod(double vx, double wx, double& floordiv, double& mod) {
  mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
}

json repeat(const json& seq, long long times) {
  const std::size_t size = seq.is_string() ? seq.get_ref<const std::string&>().size() : seq.size();
  if (times <= 0 || size == 0) return seq.is_string() ? json("") : json::array();
  if (size != 0 && static_cast<unsigned long long>(times) > kMaxSequenceSize / size) {
    throw_error("result of '*' would have more than " + std::to_string(kMaxSequenceSize) + " " +
                (seq.is_string() ? "characters" : "items"));
  }
  if (seq.is_string()) {
    const auto& s = seq.get_ref<const std::string&>();
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(times));
    for (long long k = 0; k < times; ++k) out += s;
    return out;
  }
  json out = json::array();
  for (long long k = 0; k < times; ++k) {
    for (const auto& item : seq) out.push_back(item);
  }
  return out;
}

bool is_int_like(const json& v) { return v.is_boolean() || v.is_number_integer(); }

json add(const json& a, const json& b) {
  Num x, y;
  if (to_num(a, x) && to_num(b, y)) {
    if (x.is_float || y.is_float) return x.as_double() + y.as_double();
    long long r;
    if (__builtin_add_overflow(x.i, y.i, &r)) overflow();
    return r;
  }
  if (a.is_string()) {
    if (!b.is_string()) throw_error(std::string("can only concatenate str (not \"") + type_name(b) + "\") to str");
    const auto& sa = a.get_ref<const std::string&>();
    const auto& sb = b.get_ref<const std::string&>();
    if (sa.size() + sb.size() > kMaxSequenceSize) throw_error("result of '+' is too long");
    std::string out;
    out.reserve(sa.size() + sb.size());
    out += sa;
    out += sb;
    return out;
  }
  if (a.is_array()) {
    if (!b.is_array()) throw_error(std::string("can only concatenate list (not \"") + type_name(b) + "\") to list");
    if (a.size() + b.size() > kMaxSequenceSize) throw_error("result of '+' is too long");
    json out = a;
    for (const auto& item : b) out.push_back(item);
    return out;
  }
  unsupported("+", a, b);
}

json pow(const json& a, const json& b) {
  Num x, y;
  if (!to_num(a, x) || !to_num(b, y)) unsupported("** or pow()", a, b);
  if (!x.is_float && !y.is_float && y.i >= 0) {
    long long result = 1, base = x.i, e = y.i;
    while (e > 0) {
      if (e & 1) {
        if (__builtin_mul_overflow(result, base, &result)) overflow();
      }
      e >>= 1;
      if (e > 0 && __builtin_mul_overflow(base, base, &base)) overflow();
    }
    return result;
  }
  const double xb = x.as_double(), ye = y.as_double();
  if (xb == 0 && ye < 0) throw_error("0.0 cannot be raised to a negative power");
  if (xb < 0 && ye != std::floor(ye)) throw_error("a negative number raised to a fractional power is complex; complex numbers are not supported");
  const double r = std::pow(xb, ye);
  if (std::isinf(r) && std::isfinite(xb) && std::isfinite(ye)) throw_error("numerical result out of range");
  return r;
}

}  // namespace

bool is_number(const json& value) {
  return value.is_boolean() || value.is_number();
}

long long to_int64(const json& value) {
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_number_unsigned()) {
    const auto u = value.get<unsigned long long>();
    if (u > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) overflow();
    return static_cast<long long>(u);
  }
  if (value.is_number_integer()) return value.get<long long>();
  throw_error(std::string("an integer is required, not '") + type_name(value) + "'");
}

double to_double(const json& value) {
  Num n;
  if (!to_num(value, n)) throw_error(std::string("a number is required, not '") + type_name(value) + "'");
  return n.as_double();
}

bool truthy(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return value.get<bool>();
    case json::value_t::number_integer:
      return value.get<long long>() != 0;
    case json::value_t::number_unsigned:
      return value.get<unsigned long long>() != 0;
    case json::value_t::number_float:
      return value.get<double>() != 0.0;
    case json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return !value.empty();
    default:
      return true;
  }
}

namespace {

bool equal_at(const json& a, const json& b, int depth) {
  if (depth > kMaxValueDepth) throw_error("value is nested too deeply to compare");
  Num x, y;
  if (to_num(a, x) && to_num(b, y)) {
    if (!x.is_float && !y.is_float) return x.i == y.i;
    return x.as_double() == y.as_double();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::string:
      return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!equal_at(a[i], b[i], depth + 1)) return false;
      }
      return true;
    }
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      auto ia = a.begin();
      auto ib = b.begin();
      for (; ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !equal_at(ia.value(), ib.value(), depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

int compare_at(const json& a, const json& b, const char* op, int depth) {
  if (depth > kMaxValueDepth) throw_error("value is nested too deeply to compare");
  Num x, y;
  if (to_num(a, x) && to_num(b, y)) {
    if (!x.is_float && !y.is_float) return x.i < y.i ? -1 : x.i > y.i ? 1 : 0;
    const double dx = x.as_double(), dy = y.as_double();
    return dx < dy ? -1 : dx > dy ? 1 : 0;  // NaN compares as "equal": every ordering is false
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_array() && b.is_array()) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!equal_at(a[i], b[i], depth + 1)) return compare_at(a[i], b[i], op, depth + 1);
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
  }
  throw_error(std::string("'") + op + "' not supported between instances of '" + type_name(a) + "' and '" +
              type_name(b) + "'");
}

bool is_nan_pair(const json& a, const json& b) {
  return (a.is_number_float() && std::isnan(a.get<double>())) || (b.is_number_float() && std::isnan(b.get<double>()));
}

}  // namespace

bool py_equal(const json& a, const json& b) { return equal_at(a, b, 0); }

int py_compare(const json& a, const json& b, const char* op) { return compare_at(a, b, op, 0); }

bool py_order(CompareOp op, const json& a, const json& b) {
  const int c = compare_at(a, b, op_symbol(op), 0);
  if (is_nan_pair(a, b) && is_number(a) && is_number(b)) return false;
  switch (op) {
    case CompareOp::kLt: return c < 0;
    case CompareOp::kLe: return c <= 0;
    case CompareOp::kGt: return c > 0;
    case CompareOp::kGe: return c >= 0;
    default: return false;
  }
}

bool py_contains(const json& container, const json& item) {
  switch (container.type()) {
    case json::value_t::string:
      if (!item.is_string()) {
        throw_error(std::string("'in <string>' requires string as left operand, not ") + type_name(item));
      }
      return TextFinder(item.get_ref<const std::string&>()).find(container.get_ref<const std::string&>()) != std::string::npos;
    case json::value_t::array:
      for (const auto& element : container) {
        if (py_equal(element, item)) return true;
      }
      return false;
    case json::value_t::object:
      if (item.is_array() || item.is_object()) throw_error(std::string("unhashable type: '") + type_name(item) + "'");
      return item.is_string() && container.contains(item.get_ref<const std::string&>());
    default:
      throw_error(std::string("argument of type '") + type_name(container) + "' is not iterable");
  }
}

json binary(BinaryOp op, const json& a, const json& b) {
  if (op == BinaryOp::kAdd) return add(a, b);
  if (op == BinaryOp::kPow) return pow(a, b);
  if (op == BinaryOp::kMul) {
    if ((a.is_string() || a.is_array()) && is_int_like(b)) return repeat(a, to_int64(b));
    if ((b.is_string() || b.is_array()) && is_int_like(a)) return repeat(b, to_int64(a));
    if ((a.is_string() || a.is_array()) && b.is_number_float()) {
      throw_error("can't multiply sequence by non-int of type 'float'");
    }
    if ((b.is_string() || b.is_array()) && a.is_number_float()) {
      throw_error("can't multiply sequence by non-int of type 'float'");
    }
  }
  Num x, y;
  if (!to_num(a, x) || !to_num(b, y)) unsupported(op_symbol(op), a, b);
  const bool floats = x.is_float || y.is_float;
  switch (op) {
    case BinaryOp::kSub: {
      if (floats) return x.as_double() - y.as_double();
      long long r;
      if (__builtin_sub_overflow(x.i, y.i, &r)) overflow();
      return r;
    }
    case BinaryOp::kMul: {
      if (floats) return x.as_double() * y.as_double();
      long long r;
      if (__builtin_mul_overflow(x.i, y.i, &r)) overflow();
      return r;
    }
    case BinaryOp::kDiv:
      if (y.as_double() == 0) throw_error(floats ? "float division by zero" : "division by zero");
      return x.as_double() / y.as_double();
    case BinaryOp::kFloorDiv:
    case BinaryOp::kMod: {
      const bool is_div = op == BinaryOp::kFloorDiv;
      if (floats) {
        if (y.as_double() == 0) throw_error(is_div ? "float floor division by zero" : "float modulo by zero");
        double q, m;
        float_divmod(x.as_double(), y.as_double(), q, m);
        return is_div ? q : m;
      }
      if (y.i == 0) throw_error(is_div ? "integer division or modulo by zero" : "integer modulo by zero");
      if (x.i == std::numeric_limits<long long>::min() && y.i == -1) {
        if (is_div) overflow();
        return 0;
      }
      long long q = x.i / y.i, m = x.i % y.i;
      if (m != 0 && ((m < 0) != (y.i < 0))) {
        m += y.i;
        q -= 1;
      }
      return is_div ? q : m;
    }
    default:
      unsupported(op_symbol(op), a, b);
  }
}

json negate(const json& a) {
  Num x;
  if (!to_num(a, x)) throw_error(std::string("bad operand type for unary -: '") + type_name(a) + "'");
  if (x.is_float) return -x.f;
  if (x.i == std::numeric_limits<long long>::min()) overflow();
  return -x.i;
}

json unary_plus(const json& a) {
  Num x;
  if (!to_num(a, x)) throw_error(std::string("bad operand type for unary +: '") + type_name(a) + "'");
  if (x.is_float) return x.f;
  return x.i;
}

}  // namespace pier::tmpl::detail
