// The Kubernetes resource quantity grammar ("100m", "1Gi", "1e3"), exactly as
// the API server parses it (resource.ParseQuantity in k8s.io/apimachinery).
//
//   is_valid_quantity("500m");  // true
//   is_valid_quantity("1Gb");   // false: "Gb" is no suffix
#pragma once

#include <string_view>

namespace pier::openapi {

//   quantity ::= [+-] number suffix
//   number   ::= digits | digits "." [digits] | "." digits
//   suffix   ::= "" | Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | k | M | G | T | P | E
//              | (e | E) [+-] digits   (the exponent must fit in 64 bits)
// `n` and `u` are missing from the documented grammar but the parser accepts
// them (metrics report CPU in nanocores, "250n"). No surrounding whitespace:
// JSON decoding trims it before parsing, and so does the validator.
bool is_valid_quantity(std::string_view text);

// What a quantity should look like, for messages.
inline constexpr std::string_view kQuantityExpectation =
    "expected a number with an optional suffix (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or an exponent)";

}  // namespace pier::openapi
