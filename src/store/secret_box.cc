#include "store/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/files.h"
#include "store/base64.h"

namespace pier::store {

namespace {

constexpr int kNonceSize = 12;  // GCM's natural nonce length
constexpr int kTagSize = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() { return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free); }

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

Error cannot_open() {
  return Error::invalid("sealed value: cannot open it with this key (a different key, or the value was altered)");
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string errno_text() { return std::strerror(errno); }

// Writes a new random key to `path` unless the file exists; a concurrent
// creator that wins the race keeps its key and this call leaves it alone.
Result<void> create_key_file(const std::filesystem::path& path) {
  std::array<unsigned char, SecretBox::kKeySize> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    return fail(Error::internal("secret key: the random generator failed"));
  std::string content = base64_encode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  OPENSSL_cleanse(key.data(), key.size());

  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::string temp = path.string() + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) return fail(Error::io(path.string() + ": cannot create the secret key file: " + errno_text()));
  bool written = ::fchmod(fd, 0600) == 0 && ::write(fd, content.data(), content.size()) == ssize_t(content.size()) &&
                 ::fsync(fd) == 0;
  std::string why = written ? "" : errno_text();
  ::close(fd);
  OPENSSL_cleanse(content.data(), content.size());
  if (!written) {
    ::unlink(temp.c_str());
    return fail(Error::io(path.string() + ": cannot write the secret key file: " + why));
  }
  // link() fails when `path` exists, unlike rename(): the first key stays.
  int linked = ::link(temp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST)
    return fail(Error::io(path.string() + ": cannot create the secret key file: " + std::strerror(link_errno)));
  if (int dir = ::open(path.has_parent_path() ? path.parent_path().c_str() : ".", O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<SecretBox> SecretBox::from_key(std::string_view key) {
  if (key.size() != kKeySize)
    return fail(Error::invalid("secret key: expected " + std::to_string(kKeySize) + " bytes, got " +
                               std::to_string(key.size())));
  std::array<unsigned char, kKeySize> bytes{};
  std::memcpy(bytes.data(), key.data(), kKeySize);
  SecretBox box(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return box;
}

Result<SecretBox> SecretBox::from_key_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (auto created = create_key_file(path); !created) return fail(created.error());
  }
  auto content = read_file(path);
  if (!content) return fail(content.error());
  auto wipe = [&] { OPENSSL_cleanse(content->data(), content->size()); };
  if (content->size() == kKeySize) {
    auto box = from_key(*content);
    wipe();
    return box;
  }
  std::string text = trim(*content);
  wipe();
  auto decoded = base64_decode(text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!decoded || decoded->size() != kKeySize) {
    if (decoded) OPENSSL_cleanse(decoded->data(), decoded->size());
    return fail(Error::invalid(path.string() + ": a secret key file holds " + std::to_string(kKeySize) +
                               " bytes or their base64"));
  }
  auto box = from_key(*decoded);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return box;
}

Result<std::string> SecretBox::seal(std::string_view plaintext) const {
  if (plaintext.size() > (1u << 30)) return fail(Error::invalid("secret value: larger than 1 GiB"));
  std::string box(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  if (RAND_bytes(out, kNonceSize) != 1) return fail(Error::internal("seal: the random generator failed"));

  CipherContext ctx = new_context();
  int length = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), out) == 1 &&
            EVP_EncryptUpdate(ctx.get(), out + kNonceSize, &length, bytes_of(plaintext), int(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), out + kNonceSize + length, &length) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, out + kNonceSize + plaintext.size()) == 1;
  if (!ok) return fail(Error::internal("seal: OpenSSL AES-256-GCM failed"));
  return std::string(kVersionPrefix) + base64_encode(box);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
  if (!sealed.starts_with(kVersionPrefix))
    return fail(Error::invalid("sealed value: not in the v1 format (\"v1:\" + base64)"));
  auto box = base64_decode(sealed.substr(kVersionPrefix.size()));
  if (!box || box->size() < size_t(kNonceSize + kTagSize))
    return fail(Error::invalid("sealed value: not in the v1 format (\"v1:\" + base64 of nonce, ciphertext and tag)"));
  const auto* in = bytes_of(*box);
  const int cipher_size = int(box->size()) - kNonceSize - kTagSize;
  std::string plaintext(size_t(cipher_size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  // The tag is an input here; OpenSSL's ctrl takes a non-const pointer.
  std::array<unsigned char, kTagSize> tag{};
  std::memcpy(tag.data(), in + kNonceSize + cipher_size, kTagSize);

  CipherContext ctx = new_context();
  int length = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), in) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &length, in + kNonceSize, cipher_size) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1;
  // Final verifies the tag; nothing decrypted is handed out unless it does.
  if (!ok || EVP_DecryptFinal_ex(ctx.get(), out + length, &length) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return fail(cannot_open());
  }
  return plaintext;
}

bool SecretBox::looks_sealed(std::string_view text) {
  if (!text.starts_with(kVersionPrefix)) return false;
  auto box = base64_decode(text.substr(kVersionPrefix.size()));
  return box && box->size() >= size_t(kNonceSize + kTagSize);
}

}  // namespace pier::store
