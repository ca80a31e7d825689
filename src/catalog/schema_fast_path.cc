#include "catalog/schema_fast_path.h"

#include <limits>
#include <string_view>

#include <valijson/utils/utf8_utils.hpp>

namespace pier::catalog {

namespace {

using nlohmann::json;

enum TypeBit : std::uint8_t {
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,
  kNumber = 8,
  kString = 16,
  kArray = 32,
  kObject = 64,
};

// The "type" names a value satisfies with strong types: an integer is also a
// number, a float never an integer (valijson's isInteger/isNumber).
std::uint8_t type_bits(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return kNull;
    case json::value_t::boolean: return kBoolean;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return kInteger | kNumber;
    case json::value_t::number_float: return kNumber;
    case json::value_t::string: return kString;
    case json::value_t::array: return kArray;
    case json::value_t::object: return kObject;
    default: return 0;
  }
}

std::optional<std::uint8_t> type_bit(const json& name) {
  if (!name.is_string()) return std::nullopt;
  const std::string& s = name.get_ref<const std::string&>();
  if (s == "null") return kNull;
  if (s == "boolean") return kBoolean;
  if (s == "integer") return kInteger;
  if (s == "number") return kNumber;
  if (s == "string") return kString;
  if (s == "array") return kArray;
  if (s == "object") return kObject;
  return std::nullopt;
}

// An unsigned integer past int64 reads differently through valijson's
// getInteger (a cast): such values are left to valijson.
bool fits_int64(const json& n) {
  return !n.is_number_unsigned() || n.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

// A number as valijson's asDouble() reads it.
double as_double(const json& n) {
  return n.is_number_float() ? n.get<double>() : static_cast<double>(n.get<std::int64_t>());
}

std::optional<std::uint64_t> count_limit(const json& n) {
  if (!n.is_number_integer() || !fits_int64(n) || n.get<std::int64_t>() < 0) return std::nullopt;
  return static_cast<std::uint64_t>(n.get<std::int64_t>());
}

// valijson looks property names up by their c_str(): one with a NUL byte
// names a shorter key there. Left to it.
bool has_nul(const std::string& name) { return name.find('\0') != std::string::npos; }

// Keywords valijson does not validate with (annotations; definitions are
// only reached through $ref, which is left to valijson).
bool is_annotation(std::string_view key) {
  return key == "title" || key == "description" || key == "default" || key == "examples" || key == "$schema" ||
         key == "$id" || key == "$comment" || key == "readOnly" || key == "writeOnly" || key == "definitions";
}

}  // namespace

SchemaFastPath SchemaFastPath::compile(const json& schema) {
  SchemaFastPath fast;
  fast.build(schema);
  return fast;
}

int SchemaFastPath::build(const json& schema) {
  const int index = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  auto node = [&]() -> Node& { return nodes_[static_cast<size_t>(index)]; };  // nodes_ grows below
  if (!schema.is_object()) {
    node().opaque = true;  // a boolean schema
    return index;
  }
  for (auto it = schema.begin(); it != schema.end(); ++it) {
    const std::string& key = it.key();
    const json& value = *it;
    bool understood = true;
    if (is_annotation(key)) {
      continue;
    } else if (key == "type") {
      std::uint8_t types = 0;
      if (value.is_array()) {
        for (const auto& name : value) {
          auto bit = type_bit(name);
          understood = understood && bit;
          types |= bit.value_or(0);
        }
      } else {
        auto bit = type_bit(value);
        understood = bit.has_value();
        types = bit.value_or(0);
      }
      node().types = types;
      understood = understood && types != 0;
    } else if (key == "properties") {
      understood = value.is_object();
      if (understood) {
        std::vector<std::pair<std::string, int>> properties;
        for (auto p = value.begin(); p != value.end(); ++p) {
          understood = understood && !has_nul(p.key());
          properties.emplace_back(p.key(), build(*p));
        }
        node().properties = std::move(properties);  // nlohmann's object order: sorted by name
      }
    } else if (key == "additionalProperties") {
      int additional = kAnything;
      if (value.is_boolean()) additional = value.get<bool>() ? kAnything : kNothing;
      else if (value.is_object()) additional = build(value);
      else understood = false;
      node().additional = additional;
    } else if (key == "required") {
      understood = value.is_array();
      for (const auto& name : value) understood = understood && name.is_string() && !has_nul(name.get_ref<const std::string&>());
      if (understood) node().required = value.get<std::vector<std::string>>();
    } else if (key == "enum") {
      understood = value.is_array();
      if (understood) node().enum_values = value;
    } else if (key == "minLength" || key == "maxLength" || key == "minItems" || key == "maxItems" ||
               key == "minProperties" || key == "maxProperties") {
      auto limit = count_limit(value);
      understood = limit.has_value();
      Node& n = node();
      auto& slot = key == "minLength"  ? n.min_length
                   : key == "maxLength" ? n.max_length
                   : key == "minItems"  ? n.min_items
                   : key == "maxItems"  ? n.max_items
                   : key == "minProperties" ? n.min_properties
                                            : n.max_properties;
      slot = limit;
    } else if (key == "minimum" || key == "exclusiveMinimum" || key == "maximum" || key == "exclusiveMaximum") {
      // Draft 7: exclusiveMinimum/exclusiveMaximum are limits of their own.
      understood = value.is_number() && fits_int64(value);
      if (understood) {
        const bool lower = key == "minimum" || key == "exclusiveMinimum";
        Limit limit{as_double(value), key.starts_with("exclusive")};
        (lower ? node().minimums : node().maximums).push_back(limit);
      }
    } else if (key == "items") {
      understood = value.is_object();
      if (understood) {
        const int items = build(value);
        node().items = items;
      }
    } else if (key == "format") {
      // valijson checks these three with regular expressions: left to it.
      understood = value.is_string() && value != "date" && value != "time" && value != "date-time";
      node().format = true;
    } else if (key == "propertyNames") {
      node().property_names = true;
    } else {
      understood = false;
    }
    if (!understood) node().opaque = true;
  }
  return index;
}

bool SchemaFastPath::check(const json& value, int index) const {
  if (index == kAnything) return true;
  if (index == kNothing) return false;
  const Node& node = nodes_[static_cast<size_t>(index)];
  if (node.opaque) return false;
  if (node.types != 0 && (node.types & type_bits(value)) == 0) return false;
  if (node.enum_values) {
    // Strings and booleans compare as themselves; numbers and containers
    // have valijson's own equality: left to it.
    if (!value.is_string() && !value.is_boolean()) return false;
    bool found = false;
    for (const auto& option : *node.enum_values) found = found || option == value;
    if (!found) return false;
  }
  if (node.format && !value.is_string()) return false;
  switch (value.type()) {
    case json::value_t::string:
      if (node.min_length || node.max_length) {
        // As valijson counts: UTF-8 characters up to the first NUL.
        const std::uint64_t length = valijson::utils::u8_strlen(value.get_ref<const std::string&>().c_str());
        if (node.min_length && length < *node.min_length) return false;
        if (node.max_length && length > *node.max_length) return false;
      }
      return true;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: {
      if (node.minimums.empty() && node.maximums.empty()) return true;
      if (!fits_int64(value)) return false;
      const double d = as_double(value);
      for (const Limit& m : node.minimums)
        if (m.exclusive ? d <= m.value : d < m.value) return false;
      for (const Limit& m : node.maximums)
        if (m.exclusive ? d >= m.value : d > m.value) return false;
      return true;
    }
    case json::value_t::array:
      if (node.min_items && value.size() < *node.min_items) return false;
      if (node.max_items && value.size() > *node.max_items) return false;
      if (node.items != kAnything)
        for (const auto& item : value)
          if (!check(item, node.items)) return false;
      return true;
    case json::value_t::object:
      return check_object(value, node);
    default:
      return true;
  }
}

bool SchemaFastPath::check_object(const json& value, const Node& node) const {
  if (node.min_properties && value.size() < *node.min_properties) return false;
  if (node.max_properties && value.size() > *node.max_properties) return false;
  if (node.property_names && !value.empty()) return false;
  for (const std::string& name : node.required)
    if (!value.contains(name)) return false;
  // The object's keys and the properties are both sorted: one merge walk.
  auto property = node.properties.begin();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    while (property != node.properties.end() && property->first < key) ++property;
    const bool known = property != node.properties.end() && property->first == key;
    if (!check(*it, known ? property->second : node.additional)) return false;
  }
  return true;
}

}  // namespace pier::catalog
