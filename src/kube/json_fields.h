// Reading fields of Kubernetes objects held as JSON, the way Go's decoder
// fills a struct: a missing field (or one of another type) reads as the zero
// value, so status logic can be written as kubectl writes it.
//
//   int64_t ready = fields::int_at(sts, {"status", "readyReplicas"});  // 0 when absent
//   std::string uid = fields::string_at(rs, {"metadata", "uid"});
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace pier::kube::fields {

using Path = std::initializer_list<std::string_view>;

// The value at `path` (object keys only), or nullptr when any step is missing
// or not an object.
const nlohmann::json* find(const nlohmann::json& object, Path path);

// The string at `path`; "" when absent or not a string.
std::string string_at(const nlohmann::json& object, Path path);

// The integer at `path`, when it is there and is an integer.
std::optional<int64_t> optional_int_at(const nlohmann::json& object, Path path);

// The integer at `path`; 0 when absent or not an integer.
int64_t int_at(const nlohmann::json& object, Path path);

// metadata.labels[key] / metadata.annotations[key]; "" when absent.
std::string label(const nlohmann::json& object, std::string_view key);
std::string annotation(const nlohmann::json& object, std::string_view key);

// The object's metadata.name, metadata.namespace, metadata.uid.
std::string name_of(const nlohmann::json& object);
std::string namespace_of(const nlohmann::json& object);
std::string uid_of(const nlohmann::json& object);

// Whether `object` has a controller ownerReference (controller: true) naming
// `owner`'s uid: what Kubernetes controllers mean by "owned".
bool is_controlled_by(const nlohmann::json& object, const nlohmann::json& owner);

// Go's %q for the names kubectl quotes in its messages: "web" with quotes,
// backslashes and control characters escaped.
std::string go_quote(std::string_view text);

}  // namespace pier::kube::fields
