// Base64 for the store's texts: sealed secrets and key files use the standard
// padded alphabet (RFC 4648 section 4), tokens and page cursors the URL-safe
// alphabet without padding (section 5), so they travel in URLs and headers.
//
//   std::string text = base64_encode(bytes);          // "3q2+7w=="
//   std::optional<std::string> back = base64_decode(text);
//   std::string token_part = base64url_encode(bytes);  // "3q2-7w"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pier::store {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is canonical padded base64 (no blanks, no stray bits).
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);
// nullopt unless `text` is unpadded base64url.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace pier::store
