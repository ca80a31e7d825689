// Calls: the globals range(), dict() and namespace(), the string, dict and
// list methods templates use ('a,b'.split(','), d.items(), d.get('k', 1))
// and loop.cycle().
#include <algorithm>
#include <initializer_list>

#include "template/evaluator.h"
#include "template/method_names.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/text_ops.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

// range() may not produce more items than this.
constexpr long long kMaxRange = 1'000'000;

struct Args {
  std::vector<Value> positional;
  std::vector<std::pair<std::string_view, Value>> keyword;
};

// Matches arguments to parameter names; null entries were not given.
std::vector<Value*> bind(Args& args, std::string_view callee, std::initializer_list<std::string_view> names,
                         std::size_t required) {
  std::vector<Value*> bound(names.size(), nullptr);
  if (args.positional.size() > names.size() && names.size() == 0) {
    throw_error(std::string(callee) + "() takes no arguments (" + std::to_string(args.positional.size()) + " given)");
  }
  if (args.positional.size() > names.size()) {
    throw_error(std::string(callee) + "() takes at most " + std::to_string(names.size()) + " argument" +
                (names.size() == 1 ? "" : "s") + " (" + std::to_string(args.positional.size()) + " given)");
  }
  for (std::size_t i = 0; i < args.positional.size(); ++i) bound[i] = &args.positional[i];
  for (auto& [name, value] : args.keyword) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) throw_error(std::string(callee) + "() got an unexpected keyword argument '" + std::string(name) + "'");
    const auto index = static_cast<std::size_t>(it - names.begin());
    if (bound[index] != nullptr) throw_error(std::string(callee) + "() got multiple values for argument '" + std::string(name) + "'");
    bound[index] = &value;
  }
  for (std::size_t i = 0; i < required; ++i) {
    if (bound[i] == nullptr) {
      throw_error(std::string(callee) + "() missing required argument '" + std::string(names.begin()[i]) + "'");
    }
  }
  return bound;
}

const std::string& need_str(Evaluator& ev, const Value* v, std::string_view callee, std::string_view what) {
  const json& j = ev.need(*v);
  if (!j.is_string()) {
    throw_error(std::string(callee) + "() argument '" + std::string(what) + "' must be str, not " + type_name(j));
  }
  return j.get_ref<const std::string&>();
}

long long need_int(Evaluator& ev, const Value* v, std::string_view callee) {
  const json& j = ev.need(*v);
  if (!j.is_number_integer() && !j.is_boolean()) {
    throw_error(std::string("'") + type_name(j) + "' object cannot be interpreted as an integer in " + std::string(callee) + "()");
  }
  return to_int64(j);
}

json to_json_array(std::vector<std::string> parts) {
  json out = json::array();
  for (auto& p : parts) out.push_back(std::move(p));
  return out;
}

// Builds a dict from dict()/namespace() arguments: one mapping or list of
// pairs, then keyword arguments.
json dict_from_args(Evaluator& ev, const Args& args, std::string_view callee) {
  json object = json::object();
  if (args.positional.size() > 1) throw_error(std::string(callee) + "() takes at most 1 positional argument");
  if (!args.positional.empty()) {
    const json& source = ev.need(args.positional.front());
    if (source.is_object()) {
      object = ev.copy(source);
    } else if (source.is_array()) {
      for (const auto& pair : source) {
        if (!pair.is_array() || pair.size() != 2) throw_error(std::string(callee) + "() needs a list of [key, value] pairs");
        if (!pair[0].is_string()) throw_error("dict keys must be strings (JSON objects have string keys)");
        object[pair[0].get<std::string>()] = ev.copy(pair[1]);
      }
    } else {
      throw_error(std::string("'") + type_name(source) + "' object is not iterable");
    }
  }
  for (const auto& [name, value] : args.keyword) object[std::string(name)] = ev.copy(ev.need(value));
  return object;
}

Value string_method(Evaluator& ev, const std::string& s, const std::string& name, Args& args) {
  const std::string callee = "str." + name;
  if (name == "lower" || name == "upper" || name == "title" || name == "capitalize" || name == "splitlines") {
    bind(args, callee, {}, 0);
    if (name == "lower") return Value::own(utf8::ascii_lower(s));
    if (name == "upper") return Value::own(utf8::ascii_upper(s));
    if (name == "title") return Value::own(py_title(s));
    if (name == "capitalize") return Value::own(py_capitalize(s));
    json lines = json::array();
    for (auto line : utf8::split_lines(s)) lines.push_back(std::string(line));
    return Value::own(std::move(lines));
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    const auto bound = bind(args, callee, {"chars"}, 0);
    const bool left = name != "rstrip", right = name != "lstrip";
    if (bound[0] == nullptr || ev.need(*bound[0]).is_null()) return Value::own(std::string(utf8::strip(s, left, right)));
    return Value::own(std::string(utf8::strip_chars(s, need_str(ev, bound[0], callee, "chars"), left, right)));
  }
  if (name == "startswith" || name == "endswith") {
    const auto bound = bind(args, callee, {"prefix"}, 1);
    const json& arg = ev.need(*bound[0]);
    auto test = [&](const json& candidate) {
      if (!candidate.is_string()) {
        throw_error(callee + "() first arg must be str or a tuple of str, not " + type_name(candidate));
      }
      const auto& p = candidate.get_ref<const std::string&>();
      return name == "startswith" ? s.starts_with(p) : s.ends_with(p);
    };
    if (arg.is_array()) return Value::own(std::any_of(arg.begin(), arg.end(), test));
    return Value::own(test(arg));
  }
  if (name == "split" || name == "rsplit") {
    const auto bound = bind(args, callee, {"sep", "maxsplit"}, 0);
    const long long max_split = bound[1] != nullptr ? need_int(ev, bound[1], callee) : -1;
    if (bound[0] == nullptr || ev.need(*bound[0]).is_null()) {
      if (name == "rsplit" && max_split >= 0) throw_error("str.rsplit() with maxsplit and no separator is not supported");
      json parts = json::array();
      for (auto p : utf8::split_whitespace(s, max_split)) parts.push_back(std::string(p));
      return Value::own(std::move(parts));
    }
    const std::string& sep = need_str(ev, bound[0], callee, "sep");
    if (name == "split" || max_split < 0) return Value::own(to_json_array(py_split(s, sep, max_split)));
    // rsplit with a limit: the last max_split separators (Python scans from
    // the right; for non-overlapping separators that is the same).
    if (sep.empty()) throw_error("empty separator");
    std::vector<std::size_t> hits;
    const TextFinder finder(sep);
    for (std::size_t pos = finder.find(s); pos != std::string::npos; pos = finder.find(s, pos + 1)) hits.push_back(pos);
    // Python's rsplit matches from the right: drop hits that overlap a later one.
    std::vector<std::size_t> chosen;
    for (std::size_t k = hits.size(); k-- > 0 && static_cast<long long>(chosen.size()) < max_split;) {
      if (!chosen.empty() && hits[k] + sep.size() > chosen.back()) continue;
      chosen.push_back(hits[k]);
    }
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t k = chosen.size(); k-- > 0;) {
      parts.push_back(s.substr(start, chosen[k] - start));
      start = chosen[k] + sep.size();
    }
    parts.push_back(s.substr(start));
    return Value::own(to_json_array(std::move(parts)));
  }
  if (name == "replace") {
    const auto bound = bind(args, callee, {"old", "new", "count"}, 2);
    const long long count = bound[2] != nullptr ? need_int(ev, bound[2], callee) : -1;
    return Value::own(py_replace(s, need_str(ev, bound[0], callee, "old"), need_str(ev, bound[1], callee, "new"), count));
  }
  if (name == "join") {
    const auto bound = bind(args, callee, {"iterable"}, 1);
    std::string out;
    std::size_t index = 0;
    for (const Value& item : ev.items_of(*bound[0])) {
      const json& j = ev.need(item);
      if (!j.is_string()) {
        throw_error("sequence item " + std::to_string(index) + ": expected str instance, " + type_name(j) + " found");
      }
      if (index++ > 0) out += s;
      out += j.get_ref<const std::string&>();
      if (out.size() > kMaxSequenceSize) throw_error("result of str.join() is too long");
    }
    return Value::own(std::move(out));
  }
  if (name == "find" || name == "count") {
    const auto bound = bind(args, callee, {"sub"}, 1);
    const std::string& sub = need_str(ev, bound[0], callee, "sub");
    return Value::own(name == "find" ? py_find(s, sub) : py_count(s, sub));
  }
  throw_error("the string method '" + name + "' is not supported");
}

Value dict_method(Evaluator& ev, const Value& object, const std::string& name, Args& args) {
  const json& dict = object.get();
  if (name == "items" || name == "keys" || name == "values") {
    bind(args, "dict." + name, {}, 0);
    json out = json::array();
    for (const auto& [key, value] : dict.items()) {
      if (name == "keys") {
        out.push_back(key);
      } else if (name == "values") {
        out.push_back(ev.copy(value));
      } else {
        out.push_back(json::array({key, ev.copy(value)}));
      }
    }
    return Value::own(std::move(out));
  }
  if (name == "get") {
    const auto bound = bind(args, "dict.get", {"key", "default"}, 1);
    const json& key = ev.need(*bound[0]);
    if (key.is_array() || key.is_object()) throw_error(std::string("unhashable type: '") + type_name(key) + "'");
    if (key.is_string()) {
      const auto it = dict.find(key.get_ref<const std::string&>());
      if (it != dict.end()) {
        if (object.is_borrowed()) return Value::borrow(*it, object.is_stable());
        return Value::own(*it);
      }
    }
    if (bound[1] == nullptr) return Value::own(nullptr);
    return std::move(*bound[1]);
  }
  throw_error("the dict method '" + name + "' is not supported");
}

Value list_method(Evaluator& ev, const json& list, const std::string& name, Args& args) {
  if (name == "count" || name == "index") {
    const auto bound = bind(args, "list." + name, {"value"}, 1);
    const json& needle = ev.need(*bound[0]);
    long long count = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!py_equal(list[i], needle)) continue;
      if (name == "index") return Value::own(static_cast<long long>(i));
      ++count;
    }
    if (name == "index") throw_error(to_repr(needle) + " is not in list");
    return Value::own(count);
  }
  throw_error("the list method '" + name + "' is not supported");
}

}  // namespace

Value Evaluator::eval_call(const CallExpr& expr) {
  const Expr& callee = *expr.callee;
  if (callee.kind == ExprKind::kAttr) {
    const auto& attr = static_cast<const AttrExpr&>(callee);
    return call_method(expr, attr, eval(*attr.object));
  }
  if (callee.kind == ExprKind::kName) {
    const auto& name = static_cast<const NameExpr&>(callee);
    const bool is_variable = find_local(name.id) != nullptr || (context_.is_object() && context_.contains(name.name));
    if (!is_variable) return call_global(expr, name);
  }
  const Value f = eval(callee);
  if (f.is_undefined()) fail_undefined(f);
  throw_error(std::string("'") + (f.is_json() ? type_name(f.get()) : "object") + "' object is not callable");
}

Value Evaluator::call_global(const CallExpr& expr, const NameExpr& callee) {
  Args args;
  for (const auto& a : expr.args) args.positional.push_back(eval(*a));
  for (const auto& [name, a] : expr.kwargs) args.keyword.emplace_back(name, eval(*a));
  if (callee.name == "range") {
    if (!args.keyword.empty()) throw_error("range() takes no keyword arguments");
    if (args.positional.empty() || args.positional.size() > 3) {
      throw_error("range expected 1 to 3 arguments, got " + std::to_string(args.positional.size()));
    }
    long long v[3] = {0, 0, 1};
    for (std::size_t i = 0; i < args.positional.size(); ++i) v[i] = need_int(*this, &args.positional[i], "range");
    long long start = 0, stop = v[0], step = 1;
    if (args.positional.size() >= 2) start = v[0], stop = v[1];
    if (args.positional.size() == 3) step = v[2];
    if (step == 0) throw_error("range() arg 3 must not be zero");
    // Count with __int128 so extreme bounds cannot overflow.
    const __int128 span = step > 0 ? static_cast<__int128>(stop) - start : static_cast<__int128>(start) - stop;
    const __int128 magnitude = step > 0 ? step : -static_cast<__int128>(step);
    const __int128 count = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
    if (count > kMaxRange) {
      throw_error("range() would produce more than " + std::to_string(kMaxRange) + " items");
    }
    charge(static_cast<std::size_t>(count));
    json out = json::array();
    out.get_ref<json::array_t&>().reserve(static_cast<std::size_t>(count));
    for (long long i = 0; i < static_cast<long long>(count); ++i) out.push_back(start + i * step);
    return Value::own(std::move(out));
  }
  if (callee.name == "dict") return Value::own(dict_from_args(*this, args, "dict"));
  if (callee.name == "namespace") {
    return Value::namespace_object(std::make_shared<json>(dict_from_args(*this, args, "namespace")));
  }
  throw_error("'" + callee.name + "' is undefined", callee.offset);
}

Value Evaluator::call_method(const CallExpr& expr, const AttrExpr& callee, Value object) {
  if (object.is_undefined()) fail_undefined(object);
  Args args;
  for (const auto& a : expr.args) args.positional.push_back(eval(*a));
  for (const auto& [name, a] : expr.kwargs) args.keyword.emplace_back(name, eval(*a));
  charge_scan(object);
  for (const Value& a : args.positional) charge_scan(a);
  const std::string& name = callee.attr;
  if (object.kind() == Value::Kind::kLoop && name == "cycle") {
    if (!args.keyword.empty()) throw_error("loop.cycle() takes no keyword arguments");
    if (args.positional.empty()) throw_error("no items for cycling given");
    const LoopState& loop = object.loop_state();
    return std::move(args.positional[loop.index0 % args.positional.size()]);
  }
  if (object.is_json()) {
    const json& j = object.get();
    if (j.is_string() && (callee.methods & kStrMethod)) {
      Value result = string_method(*this, j.get_ref<const std::string&>(), name, args);
      charge(1);
      return result;
    }
    if (j.is_object() && (callee.methods & kDictMethod)) return dict_method(*this, object, name, args);
    if (j.is_array() && (callee.methods & kListMethod)) return list_method(*this, j, name, args);
  }
  // Not a method: an attribute holding a value, which is not callable.
  const Value attribute = get_attr(std::move(object), name, callee.offset, &callee);
  if (attribute.is_undefined()) fail_undefined(attribute);
  throw_error(std::string("'") + (attribute.is_json() ? type_name(attribute.get()) : "object") + "' object is not callable",
              callee.offset);
}

}  // namespace pier::tmpl::detail
