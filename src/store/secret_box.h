// Encryption of secret values at rest: AES-256-GCM with a key the console
// keeps in a file beside its database (or receives from a Kubernetes Secret).
//
//   auto box = SecretBox::from_key_file(data_dir / "secret.key");  // created 0600 on first use
//   Result<std::string> sealed = box->seal("hunter2");  // "v1:" + base64(nonce | ciphertext | tag)
//   Result<std::string> plain = box->open(*sealed);      // "hunter2"
//
// Each seal draws a fresh random 96-bit nonce, so sealing the same text twice
// gives different strings. open() refuses a value sealed with another key or
// altered in any byte (the GCM tag). Neither the key nor a plaintext ever
// appears in an error message.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::store {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr std::string_view kVersionPrefix = "v1:";

  // `key` is exactly 32 raw bytes; kInvalidInput otherwise.
  static Result<SecretBox> from_key(std::string_view key);

  // Reads the key from `path`: 32 raw bytes, or their base64 (surrounding
  // blanks ignored) as in a Kubernetes Secret. When the file does not exist it
  // is created, mode 0600, with 32 random bytes in base64; creation is atomic
  // (written aside, then linked into place), so replicas starting together on
  // one volume end up with the same key.
  static Result<SecretBox> from_key_file(const std::filesystem::path& path);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  // kInternal only if OpenSSL fails.
  Result<std::string> seal(std::string_view plaintext) const;
  // kInvalidInput for a value that is not "v1:" + base64 of at least a nonce
  // and a tag, or that does not authenticate (wrong key, altered value).
  Result<std::string> open(std::string_view sealed) const;

  // True when `text` has the sealed shape ("v1:" + base64); says nothing of the key.
  static bool looks_sealed(std::string_view text);

 private:
  explicit SecretBox(const std::array<unsigned char, kKeySize>& key) : key_(key) {}
  std::array<unsigned char, kKeySize> key_{};
};

}  // namespace pier::store
