// Filters over sequences and mappings: default, join, length, first/last,
// min/max, sort, unique, list, sum, dictsort, items, combine, map, select...
#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "template/evaluator.h"
#include "template/filters.h"
#include "template/py_ops.h"
#include "template/template_error.h"
#include "template/utf8.h"
#include "template/value_format.h"

namespace pier::tmpl::detail {

namespace {

// An item of the input that the filter returns: when the input is a
// temporary (owned by the call), the item must be copied out of it.
Value detach(FilterCall& c, Value item) {
  if (item.is_json() && item.is_borrowed() && !item.is_stable() && !c.input.is_borrowed()) {
    return Value::own(c.ev.copy(item.get()));
  }
  return item;
}

// Jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0.
Value lookup_attribute(FilterCall& c, Value item, const json& attribute) {
  if (attribute.is_null()) return item;
  if (!attribute.is_string()) return c.ev.get_item(std::move(item), attribute, c.offset, nullptr);
  const auto& path = attribute.get_ref<const std::string&>();
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    json key = part;
    if (numeric && part.size() < 18) key = std::stoll(part);
    item = c.ev.get_item(std::move(item), key, c.offset, nullptr);
    if (dot == std::string::npos) return item;
    start = dot + 1;
  }
}

// The sort key of an item: its attribute, lower-cased when case-insensitive.
json sort_key(FilterCall& c, const Value& item, const json& attribute, bool case_sensitive) {
  const Value v = lookup_attribute(c, item.share(), attribute);
  const json& j = c.ev.need(v);
  if (!case_sensitive && j.is_string()) return utf8::ascii_lower(j.get_ref<const std::string&>());
  return c.ev.copy(j);
}

json to_array(FilterCall& c, const std::vector<Value>& items) {
  json out = json::array();
  out.get_ref<json::array_t&>().reserve(items.size());
  for (const Value& v : items) out.push_back(c.ev.copy(c.ev.need(v)));
  return out;
}

// Hash key for unique(): equal Python values (1, 1.0, True) share a key.
std::string hash_key(const json& j) {
  switch (j.type()) {
    case json::value_t::string:
      return "s" + j.get<std::string>();
    case json::value_t::null:
      return "N";
    case json::value_t::boolean:
      return j.get<bool>() ? "n1" : "n0";
    case json::value_t::number_float: {
      const double d = j.get<double>();
      if (d > -9.2e18 && d < 9.2e18 && d == static_cast<double>(static_cast<long long>(d))) {
        return "n" + std::to_string(static_cast<long long>(d));
      }
      return "f" + to_str(j);
    }
    case json::value_t::array:
    case json::value_t::object:
      throw_error(std::string("unhashable type: '") + type_name(j) + "'");
    default:
      return "n" + to_str(j);
  }
}

Value min_or_max(FilterCall& c, bool want_max) {
  std::vector<Value> items = c.ev.items_of(c.input);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.", c.offset);
  const bool case_sensitive = c.arg_bool(0);
  const json& attribute = c.arg(1);
  std::size_t best = 0;
  json best_key = sort_key(c, items[0], attribute, case_sensitive);
  for (std::size_t i = 1; i < items.size(); ++i) {
    json key = sort_key(c, items[i], attribute, case_sensitive);
    const int cmp = py_compare(key, best_key, want_max ? ">" : "<");
    if (want_max ? cmp > 0 : cmp < 0) {
      best = i;
      best_key = std::move(key);
    }
  }
  return detach(c, std::move(items[best]));
}

const json& need_mapping(FilterCall& c, std::string_view filter) {
  const json& j = c.ev.need(c.input);
  if (!j.is_object()) throw_error(std::string(filter) + " needs a dict, not " + type_name(j));
  return j;
}

json merge_hash(const json& x, const json& y, bool recursive, const std::string& list_merge, int depth) {
  if (depth > kMaxValueDepth) throw_error("value is nested too deeply to combine");
  if (x.empty() || py_equal(x, y)) return y;
  if (y.empty()) return x;
  json result = x;
  for (const auto& [key, y_value] : y.items()) {
    auto it = result.find(key);
    if (it == result.end()) {
      result[key] = y_value;
      continue;
    }
    json& x_value = *it;
    if (x_value.is_object() && y_value.is_object()) {
      x_value = recursive ? merge_hash(x_value, y_value, recursive, list_merge, depth + 1) : y_value;
    } else if (x_value.is_array() && y_value.is_array()) {
      if (list_merge == "replace") {
        x_value = y_value;
      } else if (list_merge == "append") {
        for (const auto& v : y_value) x_value.push_back(v);
      } else if (list_merge == "prepend") {
        json merged = y_value;
        for (const auto& v : x_value) merged.push_back(v);
        x_value = std::move(merged);
      } else if (list_merge == "append_rp" || list_merge == "prepend_rp") {
        json kept = json::array();
        for (const auto& v : x_value) {
          if (!py_contains(y_value, v)) kept.push_back(v);
        }
        if (list_merge == "append_rp") {
          for (const auto& v : y_value) kept.push_back(v);
          x_value = std::move(kept);
        } else {
          json merged = y_value;
          for (const auto& v : kept) merged.push_back(v);
          x_value = std::move(merged);
        }
      }  // "keep": x wins
    } else {
      x_value = y_value;
    }
  }
  return result;
}

// select / reject / selectattr / rejectattr
Value select_items(FilterCall& c, bool by_attribute, bool keep_when) {
  const std::size_t test_index = by_attribute ? 1 : 0;
  const bool has_test = !c.arg_is_none(test_index);
  std::string test_name;
  if (has_test) {
    const json& t = c.arg(test_index);
    if (!t.is_string()) throw_error("the test name must be a string");
    test_name = t.get<std::string>();
  }
  json out = json::array();
  if (!c.ev.truthy(c.input)) return Value::own(std::move(out));  // Jinja2: `if value:` before iterating
  for (Value& item : c.ev.items_of(c.input)) {
    Value subject = by_attribute ? lookup_attribute(c, item.share(), c.arg(0)) : item.share();
    bool result;
    if (has_test) {
      std::vector<Value> args;
      for (const Value& e : c.extra) args.push_back(e.share());
      result = apply_test_by_name(c, test_name, std::move(subject), std::move(args));
    } else {
      result = c.ev.truthy(subject);
    }
    if (result == keep_when) out.push_back(c.ev.copy(c.ev.need(item)));
  }
  return Value::own(std::move(out));
}

}  // namespace

Value filter_default(FilterCall& c) {
  const bool use_default = c.input.is_undefined() || (c.arg_bool(1) && !c.ev.truthy(c.input));
  return use_default ? std::move(c.args[0]) : std::move(c.input);
}

Value filter_join(FilterCall& c) {
  const std::string separator = c.arg_text(0);
  const json& attribute = c.arg(1);
  std::string out;
  bool first = true;
  for (Value& item : c.ev.items_of(c.input)) {
    if (!first) out += separator;
    first = false;
    c.ev.append_text(out, attribute.is_null() ? std::move(item) : lookup_attribute(c, std::move(item), attribute));
    if (out.size() > kMaxSequenceSize) throw_error("result of join is too long");
  }
  return Value::own(std::move(out));
}

Value filter_length(FilterCall& c) {
  if (c.input.is_undefined() && c.input.lenient()) return Value::own(0);
  const json& j = c.ev.need(c.input);
  if (j.is_string()) return Value::own(static_cast<long long>(utf8::length(j.get_ref<const std::string&>())));
  if (j.is_structured()) return Value::own(static_cast<long long>(j.size()));
  throw_error(std::string("object of type '") + type_name(j) + "' has no len()");
}

Value filter_first(FilterCall& c) {
  std::vector<Value> items = c.ev.items_of(c.input);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.", c.offset);
  return detach(c, std::move(items.front()));
}

Value filter_last(FilterCall& c) {
  std::vector<Value> items = c.ev.items_of(c.input);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.", c.offset);
  return detach(c, std::move(items.back()));
}

Value filter_min(FilterCall& c) { return min_or_max(c, false); }
Value filter_max(FilterCall& c) { return min_or_max(c, true); }

Value filter_sort(FilterCall& c) {
  std::vector<Value> items = c.ev.items_of(c.input);
  const bool reverse = c.arg_bool(0);
  const bool case_sensitive = c.arg_bool(1);
  const json& attribute = c.arg(2);
  std::vector<json> keys;
  keys.reserve(items.size());
  for (const Value& item : items) keys.push_back(sort_key(c, item, attribute, case_sensitive));
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return reverse ? py_compare(keys[b], keys[a]) < 0 : py_compare(keys[a], keys[b]) < 0;
  });
  c.ev.charge(items.size());
  json out = json::array();
  for (std::size_t i : order) out.push_back(c.ev.copy(c.ev.need(items[i])));
  return Value::own(std::move(out));
}

Value filter_unique(FilterCall& c) {
  const bool case_sensitive = c.arg_bool(0);
  const json& attribute = c.arg(1);
  std::unordered_set<std::string> seen;
  json out = json::array();
  for (Value& item : c.ev.items_of(c.input)) {
    if (seen.insert(hash_key(sort_key(c, item, attribute, case_sensitive))).second) {
      out.push_back(c.ev.copy(c.ev.need(item)));
    }
  }
  return Value::own(std::move(out));
}

Value filter_list(FilterCall& c) { return Value::own(to_array(c, c.ev.items_of(c.input))); }

Value filter_reverse(FilterCall& c) {
  const json& j = c.ev.need(c.input);
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    const auto offsets = utf8::offsets(s);
    std::string out;
    out.reserve(s.size());
    for (std::size_t k = offsets.size() - 1; k-- > 0;) out.append(s, offsets[k], offsets[k + 1] - offsets[k]);
    return Value::own(std::move(out));
  }
  if (!j.is_structured()) throw_error("argument must be iterable");
  json out = to_array(c, c.ev.items_of(c.input));
  std::reverse(out.begin(), out.end());
  return Value::own(std::move(out));
}

Value filter_sum(FilterCall& c) {
  const json& attribute = c.arg(0);
  json total = c.ev.copy(c.arg(1));
  for (Value& item : c.ev.items_of(c.input)) {
    const Value v = lookup_attribute(c, std::move(item), attribute);
    total = binary(BinaryOp::kAdd, total, c.ev.need(v));
  }
  return Value::own(std::move(total));
}

Value filter_dictsort(FilterCall& c) {
  const json& dict = need_mapping(c, "dictsort");
  const bool case_sensitive = c.arg_bool(0);
  const json& by = c.arg(1);
  const bool reverse = c.arg_bool(2);
  if (!by.is_string() || (by != "key" && by != "value")) throw_error("You can only sort by either \"key\" or \"value\"");
  const bool by_value = by == "value";
  std::vector<std::pair<const std::string*, const json*>> entries;
  std::vector<json> keys;
  for (const auto& [key, value] : dict.get_ref<const json::object_t&>()) {
    entries.emplace_back(&key, &value);
    const json k = by_value ? value : json(key);
    keys.push_back(!case_sensitive && k.is_string() ? json(utf8::ascii_lower(k.get_ref<const std::string&>())) : k);
  }
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return reverse ? py_compare(keys[b], keys[a]) < 0 : py_compare(keys[a], keys[b]) < 0;
  });
  json out = json::array();
  for (std::size_t i : order) out.push_back(json::array({*entries[i].first, c.ev.copy(*entries[i].second)}));
  return Value::own(std::move(out));
}

Value filter_items(FilterCall& c) {
  if (c.input.is_undefined()) return Value::own(json::array());  // Jinja2: undefined has no items
  const json& j = c.ev.need(c.input);
  if (!j.is_object()) throw_error("Can only get item pairs from a mapping.");
  json out = json::array();
  for (const auto& [key, value] : j.items()) out.push_back(json::array({key, c.ev.copy(value)}));
  return Value::own(std::move(out));
}

Value filter_dict2items(FilterCall& c) {
  const json& j = c.ev.need(c.input);
  if (!j.is_object()) throw_error(std::string("dict2items requires a dictionary, got ") + type_name(j) + " instead.");
  const std::string key_name = c.arg_text(0), value_name = c.arg_text(1);
  json out = json::array();
  for (const auto& [key, value] : j.items()) out.push_back(json{{key_name, key}, {value_name, c.ev.copy(value)}});
  return Value::own(std::move(out));
}

Value filter_items2dict(FilterCall& c) {
  const json& j = c.ev.need(c.input);
  if (!j.is_array()) throw_error(std::string("items2dict requires a list, got ") + type_name(j) + " instead.");
  const std::string key_name = c.arg_text(0), value_name = c.arg_text(1);
  json out = json::object();
  for (const auto& item : j) {
    if (!item.is_object() || !item.contains(key_name) || !item.contains(value_name)) {
      throw_error("items2dict requires each item to be a dict with the keys '" + key_name + "' and '" + value_name + "'");
    }
    const json& key = item[key_name];
    if (!key.is_string()) throw_error("dict keys must be strings (JSON objects have string keys)");
    out[key.get<std::string>()] = c.ev.copy(item[value_name]);
  }
  return Value::own(std::move(out));
}

Value filter_combine(FilterCall& c) {
  const bool recursive = c.arg_bool(0);
  const json& list_merge = c.arg(1);
  static constexpr std::string_view kModes[] = {"replace", "keep", "append", "prepend", "append_rp", "prepend_rp"};
  if (!list_merge.is_string() ||
      std::find(std::begin(kModes), std::end(kModes), list_merge.get_ref<const std::string&>()) == std::end(kModes)) {
    throw_error("'list_merge' must be one of replace, keep, append, prepend, append_rp, prepend_rp");
  }
  std::vector<const json*> dicts;
  auto add = [&](const Value& v) {
    const json& j = c.ev.need(v);
    if (j.is_array()) {  // [d1, d2] | combine
      for (const auto& d : j) dicts.push_back(&d);
    } else {
      dicts.push_back(&j);
    }
  };
  add(c.input);
  for (const Value& v : c.extra) add(v);
  for (const json* d : dicts) {
    if (!d->is_object()) throw_error(std::string("combine expects dictionaries, got ") + type_name(*d));
  }
  if (dicts.empty()) return Value::own(json::object());
  json result = c.ev.copy(*dicts.back());
  for (std::size_t i = dicts.size() - 1; i-- > 0;) {
    c.ev.charge_value(*dicts[i]);
    result = merge_hash(*dicts[i], result, recursive, list_merge.get<std::string>(), 0);
  }
  return Value::own(std::move(result));
}

Value filter_map(FilterCall& c) {
  const bool by_attribute = c.arg_is_none(0) && !c.arg_is_none(1);
  std::string filter_name;
  if (!by_attribute) {
    if (c.arg_is_none(0)) throw_error("map requires a filter argument");
    const json& f = c.arg(0);
    if (!f.is_string()) throw_error("the filter name given to map must be a string");
    filter_name = f.get<std::string>();
  }
  json out = json::array();
  if (!c.ev.truthy(c.input)) return Value::own(std::move(out));  // Jinja2: `if value:` before iterating
  for (Value& item : c.ev.items_of(c.input)) {
    Value result;
    if (by_attribute) {
      result = lookup_attribute(c, std::move(item), c.arg(1));
      if (result.is_undefined() && !c.arg_is_none(2)) result = c.args[2].share();
    } else {
      std::vector<Value> args;
      for (const Value& e : c.extra) args.push_back(e.share());
      result = apply_filter_by_name(c, filter_name, std::move(item), std::move(args));
    }
    out.push_back(c.ev.copy(c.ev.need(result)));
  }
  return Value::own(std::move(out));
}

Value filter_select(FilterCall& c) { return select_items(c, false, true); }
Value filter_reject(FilterCall& c) { return select_items(c, false, false); }
Value filter_selectattr(FilterCall& c) { return select_items(c, true, true); }
Value filter_rejectattr(FilterCall& c) { return select_items(c, true, false); }

}  // namespace pier::tmpl::detail
