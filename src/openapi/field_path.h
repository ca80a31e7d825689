// Paths to a field inside an object, the way messages show them:
// `spec.template.spec.containers[0].resources.limits.cpu`, and
// `metadata.labels["app.kubernetes.io/name"]` for a key that is not a plain word.
//
//   std::string path = "metadata";
//   append_field(path, "labels");               // metadata.labels
//   append_field(path, "app.kubernetes.io/name"); // metadata.labels["app.kubernetes.io/name"]
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pier::openapi {

// `.key` (or `key` at the start) when the key is made of letters, digits,
// `_` and `-`; `["key"]`, JSON-escaped, otherwise.
void append_field(std::string& path, std::string_view key);

// `[index]`
void append_index(std::string& path, std::size_t index);

}  // namespace pier::openapi
