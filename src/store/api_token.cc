#include "store/api_token.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>

#include "store/base64.h"

namespace pier::store {

namespace {

constexpr size_t kRandomBytes = 32;
constexpr size_t kEncodedLength = 43;  // 32 bytes in unpadded base64url
constexpr size_t kShownCharacters = 6;

}  // namespace

Result<std::string> generate_api_token() {
  std::array<unsigned char, kRandomBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return fail(Error::internal("token: the random generator failed"));
  std::string token(kApiTokenPrefix);
  token += base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return token;
}

std::string api_token_hash(std::string_view token) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

std::string api_token_prefix(std::string_view token) {
  return std::string(token.substr(0, kApiTokenPrefix.size() + kShownCharacters));
}

bool looks_like_api_token(std::string_view token) {
  if (!token.starts_with(kApiTokenPrefix)) return false;
  std::string_view random = token.substr(kApiTokenPrefix.size());
  return random.size() == kEncodedLength && base64url_decode(random).has_value();
}

}  // namespace pier::store
