// The secret fields of a values document, found through its app's JSON
// Schema: a value is secret when a schema that applies to it says
// `"format": "password"` or `"writeOnly": true` (the catalog's convention).
// Such values are sealed before they are stored, opened only to render, and
// masked wherever they are shown (API answers, diffs, audit details).
//
//   auto stored = seal_secret_values(values, schema, box);   // each secret -> "v1:..."
//   auto usable = open_secret_values(*stored, schema, box);  // back to the typed values
//   nlohmann::json shown = mask_secret_values(values, schema);  // each secret -> "********"
//
// Schemas that apply: properties, additionalProperties, items, local $refs, and
// every branch of allOf, anyOf and oneOf (a field secret in any branch is
// treated as secret: hiding too much is the safe mistake). A secret value is
// sealed whole, whatever its type (its JSON text is encrypted), and null
// values (unset) are left alone. Errors name the JSON pointer, never the value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/secret_box.h"

namespace pier::store {

inline constexpr std::string_view kMaskedValue = "********";

// True for a schema object with "format": "password" or "writeOnly": true.
bool is_secret_schema(const nlohmann::json& schema);

// JSON pointers of the secret values present in `values`, in document order.
std::vector<std::string> secret_value_pointers(const nlohmann::json& values, const nlohmann::json& schema);

Result<nlohmann::json> seal_secret_values(const nlohmann::json& values, const nlohmann::json& schema,
                                          const SecretBox& box);

// Opens each sealed secret. A secret that is not sealed (stored before its
// field was marked secret) is left as it is; one that is sealed but does not
// open is an error (kInvalidInput) naming its pointer.
Result<nlohmann::json> open_secret_values(const nlohmann::json& values, const nlohmann::json& schema,
                                          const SecretBox& box);

// Each secret, sealed or not, replaced by kMaskedValue; an empty string
// (no secret set) stays empty.
nlohmann::json mask_secret_values(const nlohmann::json& values, const nlohmann::json& schema);

}  // namespace pier::store
