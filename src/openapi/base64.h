// Whether a string decodes as standard, padded base64, the way Go's JSON
// decoding of a []byte field (Secret.data, ConfigMap.binaryData) reads it.
//
//   is_valid_base64("aGVsbG8=");  // true
//   is_valid_base64("aGVsbG8");   // false: padding missing
#pragma once

#include <string_view>

namespace pier::openapi {

// Alphabet A-Z a-z 0-9 + /, length a multiple of 4 with `=` padding; `\r` and
// `\n` anywhere are ignored (Go skips them). The empty string is valid.
bool is_valid_base64(std::string_view text);

}  // namespace pier::openapi
