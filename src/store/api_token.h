// API tokens: random, shown once, stored only as a hash.
//
//   Result<std::string> token = generate_api_token();  // "pier_" + 43 base64url characters
//   std::string stored = api_token_hash(*token);         // hex SHA-256: what the database keeps
//   std::string shown = api_token_prefix(*token);        // "pier_Ab3dE9": enough to recognise it
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::store {

inline constexpr std::string_view kApiTokenPrefix = "pier_";

// 32 bytes from OpenSSL's RAND_bytes. kInternal if the generator fails.
Result<std::string> generate_api_token();

// Lowercase hex SHA-256 of the whole token. A fast hash is right here: the
// token has 256 random bits, so there is nothing to guess from its hash.
std::string api_token_hash(std::string_view token);

// The "pier_" prefix and the first 6 random characters (36 of 256 bits).
std::string api_token_prefix(std::string_view token);

// True when `token` has the shape generate_api_token() gives, so obviously
// wrong tokens are refused without a database look-up.
bool looks_like_api_token(std::string_view token);

}  // namespace pier::store
