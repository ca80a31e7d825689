// Names, attribute and item access, slices and the items of a for loop,
// with Jinja2's rules for what is undefined and how it is reported.
#include <algorithm>

#include "template/evaluator.h"
#include "template/method_names.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string path_segment(const json& key) {
  if (key.is_string()) {
    const auto& s = key.get_ref<const std::string&>();
    if (is_identifier(s)) return "." + s;
    std::string out = "[\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"]";
  }
  return "[" + to_repr(key) + "]";
}

// Jinja2's message for a failed lookup, prefixed with the full path when
// the object is a plain path: 'jetty.imagee' is undefined ('dict object'
// has no attribute 'imagee').
std::string missing_message(const std::string& type, const json& key, const Expr* object_expr) {
  std::string jinja;
  if (key.is_string()) {
    jinja = "'" + type + "' has no attribute ";
    append_string_repr(jinja, key.get_ref<const std::string&>());
  } else {
    jinja = type + " has no element " + to_repr(key);
  }
  const std::string base = describe_path(object_expr);
  if (base.empty()) return jinja;
  return "'" + base + path_segment(key) + "' is undefined (" + jinja + ")";
}

// The object expression and the constant key of a lookup site, when the
// message can be built later from the syntax tree alone.
bool static_site(const Expr* site, const Expr*& object_expr, const json*& key) {
  if (site == nullptr) return false;
  if (site->kind == ExprKind::kAttr) {
    object_expr = static_cast<const AttrExpr*>(site)->object.get();
    return true;
  }
  if (site->kind == ExprKind::kItem) {
    const auto* item = static_cast<const ItemExpr*>(site);
    object_expr = item->object.get();
    if (item->key->kind != ExprKind::kConst) return false;
    key = &static_cast<const ConstExpr&>(*item->key).value;
    return true;
  }
  return false;
}

// The undefined value for a failed lookup of `key` in a `parent` value.
Value missing(json::value_t parent, const json& key, std::uint32_t at, const Expr* site) {
  const Expr* object_expr = nullptr;
  const json* static_key = nullptr;
  if (static_site(site, object_expr, static_key)) return Value::undefined_at(site, at, parent);
  if (site != nullptr && site->kind == ExprKind::kItem) object_expr = static_cast<const ItemExpr*>(site)->object.get();
  return Value::undefined(missing_message(object_type_repr(parent), key, object_expr), at);
}

Value missing_on(std::string_view type, const json& key, std::uint32_t at, const Expr* site) {
  const Expr* object_expr = nullptr;
  const json* static_key = nullptr;
  static_site(site, object_expr, static_key);
  return Value::undefined(missing_message(std::string(type), key, object_expr), at);
}

[[noreturn]] void method_is_not_a_key(std::string_view type, const std::string& name, const Expr* site) {
  const Expr* object_expr = nullptr;
  const json* key = nullptr;
  static_site(site, object_expr, key);
  std::string object = describe_path(object_expr);
  if (object.empty()) object = "x";
  throw_error("'" + name + "' is a method of " + std::string(type) + " objects, not a key: write " + object + "['" + name +
              "'] to read the key, or " + object + "." + name + "() to call the method");
}

std::uint8_t methods_named(const std::string& name, const Expr* site) {
  if (site != nullptr && site->kind == ExprKind::kAttr) return static_cast<const AttrExpr*>(site)->methods;
  return method_flags(name);
}

// Python's slice.indices(): clamps start/stop for a sequence of `length`.
void adjust_slice(long long length, long long step, long long& start, long long& stop, bool has_start, bool has_stop) {
  if (!has_start) {
    start = step < 0 ? length - 1 : 0;
  } else if (start < 0) {
    start += length;
    if (start < 0) start = step < 0 ? -1 : 0;
  } else if (start >= length) {
    start = step < 0 ? length - 1 : length;
  }
  if (!has_stop) {
    stop = step < 0 ? -1 : length;
  } else if (stop < 0) {
    stop += length;
    if (stop < 0) stop = step < 0 ? -1 : 0;
  } else if (stop >= length) {
    stop = step < 0 ? length - 1 : length;
  }
}

}  // namespace

std::string describe_path(const Expr* expr) {
  if (expr == nullptr) return {};
  switch (expr->kind) {
    case ExprKind::kName:
      return static_cast<const NameExpr*>(expr)->name;
    case ExprKind::kAttr: {
      const auto* e = static_cast<const AttrExpr*>(expr);
      const std::string base = describe_path(e->object.get());
      return base.empty() ? std::string() : base + "." + e->attr;
    }
    case ExprKind::kItem: {
      const auto* e = static_cast<const ItemExpr*>(expr);
      if (e->key->kind != ExprKind::kConst) return {};
      const std::string base = describe_path(e->object.get());
      return base.empty() ? std::string() : base + path_segment(static_cast<const ConstExpr&>(*e->key).value);
    }
    default:
      return {};
  }
}

std::string undefined_message(const Value& v) {
  if (const UndefinedInfo* info = v.undefined_info()) return info->message;
  const Expr* site = v.undefined_site();
  if (site == nullptr) return "undefined value";
  if (site->kind == ExprKind::kName) return "'" + static_cast<const NameExpr*>(site)->name + "' is undefined";
  const Expr* object_expr = nullptr;
  const json* key = nullptr;
  static_site(site, object_expr, key);
  const json attr = site->kind == ExprKind::kAttr ? json(static_cast<const AttrExpr*>(site)->attr) : json();
  return missing_message(object_type_repr(v.undefined_parent()), key != nullptr ? *key : attr, object_expr);
}

Value Evaluator::eval_name(const NameExpr& expr) {
  if (const Value* local = find_local(expr.id)) return local->share();
  if (context_.is_object()) {
    const auto& object = context_.get_ref<const json::object_t&>();
    const auto it = object.find(std::string_view(expr.name));
    if (it != object.end()) return Value::borrow(it->second, true);
  }
  return Value::undefined_at(&expr, expr.offset, json::value_t::null);
}

Value Evaluator::get_attr(Value object, const std::string& attribute, std::uint32_t at, const Expr* site) {
  switch (object.kind()) {
    case Value::Kind::kUndefined:
      fail_undefined(object);
    case Value::Kind::kLoop: {
      const LoopState& loop = object.loop_state();
      const std::size_t n = loop.items->size();
      const std::size_t i = loop.index0;
      if (attribute == "index") return Value::own(static_cast<long long>(i + 1));
      if (attribute == "index0") return Value::own(static_cast<long long>(i));
      if (attribute == "revindex") return Value::own(static_cast<long long>(n - i));
      if (attribute == "revindex0") return Value::own(static_cast<long long>(n - i - 1));
      if (attribute == "first") return Value::own(i == 0);
      if (attribute == "last") return Value::own(i + 1 == n);
      if (attribute == "length") return Value::own(static_cast<long long>(n));
      if (attribute == "depth") return Value::own(1);
      if (attribute == "depth0") return Value::own(0);
      if (attribute == "previtem" || attribute == "nextitem") {
        const bool prev = attribute == "previtem";
        if (prev ? i == 0 : i + 1 >= n) {
          return Value::undefined(prev ? "there is no previous item" : "there is no next item", at);
        }
        const LoopItem& item = (*loop.items)[prev ? i - 1 : i + 1];
        if (item.is_pair) return Value::own(json::array({item.value.get(), copy(item.pair_value.get())}));
        return item.value.share();
      }
      return missing_on("LoopContext object", attribute, at, site);
    }
    case Value::Kind::kNamespace: {
      const json& attrs = object.get();
      const auto it = attrs.find(attribute);
      if (it != attrs.end()) {
        // Borrow only while a variable keeps the namespace alive.
        if (object.namespace_shared()) return Value::borrow(*it, false);
        return Value::own(copy(*it));
      }
      return missing_on("Namespace object", attribute, at, site);
    }
    case Value::Kind::kJson:
      break;
  }
  const json& j = object.get();
  const std::uint8_t methods = j.is_structured() || j.is_string() ? methods_named(attribute, site) : 0;
  if (j.is_object()) {
    if (methods & kDictMethod) method_is_not_a_key("dict", attribute, site);
    const auto& map = j.get_ref<const json::object_t&>();
    const auto it = map.find(attribute);
    if (it != map.end()) {
      if (object.is_borrowed()) return Value::borrow(it->second, object.is_stable());
      json whole = std::move(object).take();
      return Value::own(std::move(whole[attribute]));
    }
  } else if (j.is_string() && (methods & kStrMethod)) {
    method_is_not_a_key("str", attribute, site);
  } else if (j.is_array() && (methods & kListMethod)) {
    method_is_not_a_key("list", attribute, site);
  }
  return missing(j.type(), attribute, at, site);
}

Value Evaluator::get_item(Value object, const json& key, std::uint32_t at, const Expr* site) {
  if (object.is_undefined()) fail_undefined(object);
  if (!object.is_json()) {
    if (key.is_string()) return get_attr(std::move(object), key.get<std::string>(), at, site);
    return missing_on(object.kind() == Value::Kind::kLoop ? "LoopContext object" : "Namespace object", key, at, site);
  }
  const json& j = object.get();
  if (key.is_string()) charge(key.get_ref<const std::string&>().size() / 16);
  if (j.is_object()) {
    if (key.is_string()) {
      const auto& map = j.get_ref<const json::object_t&>();
      const auto it = map.find(key.get_ref<const std::string&>());
      if (it != map.end()) {
        if (object.is_borrowed()) return Value::borrow(it->second, object.is_stable());
        json whole = std::move(object).take();
        return Value::own(std::move(whole[key.get<std::string>()]));
      }
    }
    return missing(j.type(), key, at, site);
  }
  if (j.is_string()) charge(j.get_ref<const std::string&>().size() / 16);
  const bool integer_key = key.is_number_integer() || key.is_boolean();
  if (integer_key && (j.is_array() || j.is_string())) {
    long long index = to_int64(key);
    if (j.is_array()) {
      const auto n = static_cast<long long>(j.size());
      if (index < 0) index += n;
      if (index >= 0 && index < n) {
        const auto i = static_cast<std::size_t>(index);
        if (object.is_borrowed()) return Value::borrow(j[i], object.is_stable());
        json whole = std::move(object).take();
        return Value::own(std::move(whole[i]));
      }
    } else {
      const auto& s = j.get_ref<const std::string&>();
      if (utf8::is_ascii(s)) {
        const auto n = static_cast<long long>(s.size());
        if (index < 0) index += n;
        if (index >= 0 && index < n) return Value::own(std::string(1, s[static_cast<std::size_t>(index)]));
      } else {
        const auto offsets = utf8::offsets(s);
        const auto n = static_cast<long long>(offsets.size() - 1);
        if (index < 0) index += n;
        if (index >= 0 && index < n) {
          const auto i = static_cast<std::size_t>(index);
          return Value::own(s.substr(offsets[i], offsets[i + 1] - offsets[i]));
        }
      }
    }
  }
  if (key.is_string() && (j.is_string() || j.is_array())) {
    const auto& name = key.get_ref<const std::string&>();
    const std::uint8_t methods = method_flags(name);
    if (j.is_string() && (methods & kStrMethod)) method_is_not_a_key("str", name, site);
    if (j.is_array() && (methods & kListMethod)) method_is_not_a_key("list", name, site);
  }
  return missing(j.type(), key, at, site);
}

Value Evaluator::eval_slice(const SliceExpr& e) {
  const Value object = eval(*e.object);
  long long bounds[3] = {0, 0, 1};
  bool given[3] = {false, false, false};
  const Expr* parts[3] = {e.start.get(), e.stop.get(), e.step.get()};
  for (int k = 0; k < 3; ++k) {
    if (parts[k] == nullptr) continue;
    const Value v = eval(*parts[k]);
    const json& j = need(v);
    if (j.is_null()) continue;
    if (!j.is_number_integer() && !j.is_boolean()) {
      throw_error("slice indices must be integers or None or have an __index__ method", parts[k]->offset);
    }
    bounds[k] = to_int64(j);
    given[k] = true;
  }
  const long long step = bounds[2];
  if (step == 0) throw_error("slice step cannot be zero", e.offset);
  const json& j = need(object);
  if (!j.is_array() && !j.is_string()) {
    auto shown = [&](int k) { return given[k] ? std::to_string(bounds[k]) : std::string("None"); };
    return Value::undefined(object_type_repr(j) + " has no element slice(" + shown(0) + ", " + shown(1) + ", " + shown(2) + ")",
                            e.offset);
  }
  std::vector<std::size_t> offsets;
  long long length;
  if (j.is_array()) {
    length = static_cast<long long>(j.size());
  } else {
    offsets = utf8::offsets(j.get_ref<const std::string&>());
    length = static_cast<long long>(offsets.size() - 1);
  }
  long long start = bounds[0], stop = bounds[1];
  adjust_slice(length, step, start, stop, given[0], given[1]);
  std::vector<long long> picked;
  for (long long i = start; step > 0 ? i < stop : i > stop; i += step) picked.push_back(i);
  charge(picked.size());
  if (j.is_array()) {
    json out = json::array();
    for (long long i : picked) out.push_back(copy(j[static_cast<std::size_t>(i)]));
    return Value::own(std::move(out));
  }
  const auto& s = j.get_ref<const std::string&>();
  std::string out;
  for (long long i : picked) {
    const auto k = static_cast<std::size_t>(i);
    out.append(s, offsets[k], offsets[k + 1] - offsets[k]);
  }
  return Value::own(std::move(out));
}

void Evaluator::loop_items(const ForStmt& stmt, Value& iterable, std::vector<LoopItem>& items) {
  const Expr& iter = *stmt.iter;
  // `for k, v in d.items()`: bind straight from the dict, no pairs built.
  if (iter.kind == ExprKind::kCall) {
    const auto& call = static_cast<const CallExpr&>(iter);
    if (call.callee->kind == ExprKind::kAttr && call.args.empty() && call.kwargs.empty() &&
        static_cast<const AttrExpr&>(*call.callee).attr == "items") {
      const auto& attr = static_cast<const AttrExpr&>(*call.callee);
      Value object = eval(*attr.object);
      if (object.is_json() && object.get().is_object()) {
        iterable = storable(std::move(object));
        const bool stable = iterable.is_stable();
        const json& dict = iterable.get();
        items.reserve(dict.size());
        for (const auto& [key, value] : dict.get_ref<const json::object_t&>()) {
          items.push_back(LoopItem{Value::own(key), Value::borrow(value, stable), true});
        }
        charge(items.size());
        return;
      }
      try {
        iterable = call_method(call, attr, std::move(object));
      } catch (TemplateError& e) {
        if (e.offset == kNoOffset) e.offset = call.offset;
        throw;
      }
    } else {
      iterable = eval(iter);
    }
  } else {
    iterable = eval(iter);
  }
  iterable = storable(std::move(iterable));
  std::vector<Value> values;
  try {
    values = items_of(iterable);
  } catch (TemplateError& e) {
    if (e.offset == kNoOffset) e.offset = iter.offset;
    throw;
  }
  items.reserve(values.size());
  for (auto& v : values) items.push_back(LoopItem{std::move(v), Value(), false});
}

}  // namespace pier::tmpl::detail
