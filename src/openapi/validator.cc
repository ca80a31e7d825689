#include "openapi/validator.h"

#include <cmath>
#include <limits>
#include <string>

#include "openapi/base64.h"
#include "openapi/field_path.h"
#include "openapi/quantity.h"
#include "common/suggest.h"

namespace pier::openapi {

namespace {

using nlohmann::json;

// Deeper than any built-in kind; bounds the recursion on recursive schemas
// (JSONSchemaProps) fed adversarial input.
constexpr int kMaxDepth = 200;

// JSON-quoted, never throwing on invalid UTF-8 (replaced by U+FFFD).
std::string quote(std::string_view s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* expected_name(const PackedNode& node) {
  switch (node.type) {
    case NodeType::kObject: return "object";
    case NodeType::kArray: return "array";
    case NodeType::kString: return "string";
    case NodeType::kInteger: return "integer";
    case NodeType::kNumber: return "number";
    case NodeType::kBoolean: return "boolean";
    case NodeType::kIntOrString: return "integer or string";
    case NodeType::kQuantity: return "quantity (a string like \"500m\" or \"1Gi\", or a number)";
    case NodeType::kAny: return "anything";
  }
  return "?";
}

std::string_view trim_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

enum class IntCheck { kOk, kNotInteger, kOutOfRange };

// Whether a JSON number is an integer of the given width. An integral float
// (3.0) counts: see schema.h.
IntCheck check_integer(const json& v, NodeFormat format) {
  const bool narrow = format == NodeFormat::kInt32;
  const std::int64_t lo = narrow ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int64_t>::min();
  const std::int64_t hi = narrow ? std::numeric_limits<std::int32_t>::max() : std::numeric_limits<std::int64_t>::max();
  if (v.is_number_unsigned()) {
    return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi) ? IntCheck::kOk : IntCheck::kOutOfRange;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    return i >= lo && i <= hi ? IntCheck::kOk : IntCheck::kOutOfRange;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return IntCheck::kNotInteger;
    // hi + 1 is a power of two, exact as a double; hi itself may not be.
    return d >= static_cast<double>(lo) && d < static_cast<double>(hi) + 1.0 ? IntCheck::kOk : IntCheck::kOutOfRange;
  }
  return IntCheck::kNotInteger;
}

class Walker {
 public:
  Walker(const PackedDocument& doc, std::vector<Problem>& out) : doc_(doc), out_(out) {}

  void check(std::int32_t index, const json& v, int depth) {
    if (index == kNoNode) return;
    const PackedNode& node = doc_.nodes[static_cast<std::size_t>(index)];
    if (depth > kMaxDepth) return add("nested more than " + std::to_string(kMaxDepth) + " levels deep; not checked further");
    switch (node.type) {
      case NodeType::kAny: return;
      case NodeType::kObject: return v.is_object() ? check_object(node, v, depth) : mismatch(node, v);
      case NodeType::kArray: return v.is_array() ? check_array(node, v, depth) : mismatch(node, v);
      case NodeType::kString:
        if (!v.is_string()) return mismatch(node, v);
        if (node.format == NodeFormat::kByte && !is_valid_base64(v.get_ref<const std::string&>()))
          add("invalid base64: expected standard base64 (A-Z, a-z, 0-9, '+', '/', padded with '=')");
        return;
      case NodeType::kInteger: return check_int(node, v, "integer");
      case NodeType::kNumber:
        if (!v.is_number()) return mismatch(node, v);
        if (v.is_number_float() && !std::isfinite(v.get<double>())) add("expected a finite number, got " + describe_value(v));
        return;
      case NodeType::kBoolean: return v.is_boolean() ? void() : mismatch(node, v);
      case NodeType::kIntOrString: return v.is_string() ? void() : check_int(node, v, "integer or string");
      case NodeType::kQuantity: return check_quantity(node, v);
    }
  }

 private:
  // The path is kept as segments and only spelled out for a problem: the
  // common case, a valid object, never builds a string.
  struct Segment {
    std::string_view key;  // empty for an array index
    std::size_t index = 0;
  };

  void add(std::string message) {
    std::string path;
    for (const Segment& s : path_) {
      if (s.key.data()) append_field(path, s.key);
      else append_index(path, s.index);
    }
    out_.push_back({std::move(path), std::move(message)});
  }

  void mismatch(const PackedNode& node, const json& v) {
    add(std::string("expected ") + expected_name(node) + ", got " + describe_value(v));
  }

  void check_int(const PackedNode& node, const json& v, const char* expected) {
    // int-or-string holds an int32 (intstr.IntOrString.IntVal).
    const NodeFormat format = node.type == NodeType::kIntOrString ? NodeFormat::kInt32 : node.format;
    switch (v.is_number() ? check_integer(v, format) : IntCheck::kNotInteger) {
      case IntCheck::kOk: return;
      case IntCheck::kNotInteger: return add(std::string("expected ") + expected + ", got " + describe_value(v));
      case IntCheck::kOutOfRange:
        return add(describe_value(v) + " is out of range for " +
                   (format == NodeFormat::kInt32 ? "int32 (-2147483648 to 2147483647)"
                                                 : "int64 (-9223372036854775808 to 9223372036854775807)"));
    }
  }

  void check_quantity(const PackedNode& node, const json& v) {
    if (v.is_number()) {
      if (v.is_number_float() && !std::isfinite(v.get<double>())) add("expected a finite number, got " + describe_value(v));
      return;
    }
    if (!v.is_string()) return mismatch(node, v);
    const std::string& s = v.get_ref<const std::string&>();
    if (!is_valid_quantity(trim_space(s))) add("invalid quantity " + quote(s) + ": " + std::string(kQuantityExpectation));
  }

  void check_object(const PackedNode& node, const json& v, int depth) {
    // The object's keys (a std::map) and the schema's properties are both
    // sorted by byte order: walk them side by side instead of searching.
    // Missing required fields are reported after the fields present.
    const auto props = doc_.properties_of(node);
    auto prop = props.begin();
    std::vector<std::string_view> absent;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      for (; prop != props.end() && doc_.str(prop->name) < std::string_view(key); ++prop) {
        if (prop->required) absent.push_back(doc_.str(prop->name));
      }
      const bool known = prop != props.end() && doc_.str(prop->name) == std::string_view(key);
      path_.push_back({key, 0});
      const json& value = *it;
      if (known) {
        if (!value.is_null()) {
          check(prop->node, value, depth + 1);
        } else if (prop->required) {
          add("required field is null");
        }  // else: null for an optional field is its zero value
        ++prop;
      } else if (node.element != kNoNode) {
        check(node.element, value, depth + 1);
      } else if (!node.open) {
        unknown_field(node, key);
      }
      path_.pop_back();
    }
    for (; prop != props.end(); ++prop)
      if (prop->required) absent.push_back(doc_.str(prop->name));
    for (std::string_view name : absent) missing(name);
  }

  void missing(std::string_view name) {
    path_.push_back({name, 0});
    add("required field missing");
    path_.pop_back();
  }

  void unknown_field(const PackedNode& node, const std::string& key) {
    std::vector<std::string_view> names;
    for (const PackedProperty& prop : doc_.properties_of(node)) names.push_back(doc_.str(prop.name));
    std::string message = "unknown field " + quote(key);
    if (auto best = closest_name(key, names)) message += " (did you mean " + quote(*best) + "?)";
    add(std::move(message));
  }

  void check_array(const PackedNode& node, const json& v, int depth) {
    if (node.element == kNoNode) return;
    for (std::size_t i = 0; i < v.size(); ++i) {
      path_.push_back({std::string_view(), i});
      check(node.element, v[i], depth + 1);
      path_.pop_back();
    }
  }

  const PackedDocument& doc_;
  std::vector<Problem>& out_;
  std::vector<Segment> path_;
};

}  // namespace

std::string describe_value(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "boolean true" : "boolean false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer " + v.dump();
    case json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isnan(d)) return "number NaN";
      if (std::isinf(d)) return d > 0 ? "number Infinity" : "number -Infinity";
      return "number " + v.dump();
    }
    case json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      constexpr std::size_t kMax = 60;
      if (s.size() <= kMax) return "string " + quote(s);
      std::size_t cut = kMax;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
      return "string " + quote(std::string_view(s).substr(0, cut)) + "...";
    }
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "binary";
  }
}

void validate_value(const PackedDocument& doc, std::int32_t node, const json& value, std::vector<Problem>& problems) {
  Walker(doc, problems).check(node, value, 0);
}

}  // namespace pier::openapi
