// How the console keeps secrets out of its database's plain text and out of
// its answers:
//  - values: each field the app's schema marks secret is sealed
//    (store/secret_fields.h) before it is stored;
//  - manifests: a revision's rendered YAML holds the same secrets (a Secret's
//    data, a password in a ConfigMap), so it is sealed whole;
//  - answers show "********" for a secret value and "(hidden)" for a Secret's
//    data.
// A form sent back with "********" in a secret field keeps that field's
// value from the previous revision: the web UI never has it to send.
//
//   auto stored = seal_manifests(outcome.manifests, box);
//   auto values = keep_hidden_secrets(body_values, &previous_values, app.schema);
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/secret_box.h"

namespace pier::console {

Result<std::string> seal_manifests(std::string_view manifests, const store::SecretBox& box);
// Text that is not sealed (none stored by this console is) comes back as is.
Result<std::string> open_manifests(std::string_view stored, const store::SecretBox& box);

// The YAML stream with each Secret's data and stringData values replaced by
// "(hidden)". A stream that does not read is replaced as a whole.
std::string hide_secret_data(std::string_view manifests);

// Replaces each secret field of `values` whose value is "********" by the
// value at the same place in `previous` (opened values). kInvalidInput
// naming the pointer when there is nothing to keep.
Result<nlohmann::json> keep_hidden_secrets(nlohmann::json values, const nlohmann::json* previous,
                                           const nlohmann::json& schema);

}  // namespace pier::console
