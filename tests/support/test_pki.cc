#include "test_pki.h"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace pier::testing {

namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter>;
using Cert = std::unique_ptr<X509, Deleter>;
using Bio = std::unique_ptr<BIO, Deleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

Key new_key() {
  // P-256: fast to generate, accepted by every TLS stack.
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Key read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  check(key != nullptr, "PEM_read_bio_PrivateKey");
  return key;
}

Cert read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  check(cert != nullptr, "PEM_read_bio_X509");
  return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

Cert new_cert(EVP_PKEY* key, const std::string& common_name, const std::string& organisation,
              std::chrono::seconds not_before_offset, std::chrono::seconds valid_for) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before_offset.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>((not_before_offset + valid_for).count()));
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!organisation.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(organisation.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

TestPki::TestPki(const std::string& ca_name) : ca_name_(ca_name) {
  Key key = new_key();
  Cert cert = new_cert(key.get(), ca_name, "", std::chrono::seconds(-3600), std::chrono::hours(24 * 30));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign (CA)");
  ca_ = {cert_pem(cert.get()), key_pem(key.get())};
}

namespace {

KeyPair issue(const KeyPair& ca, const std::string& common_name, const std::string& organisation,
              std::chrono::seconds not_before_offset, std::chrono::seconds valid_for, bool server) {
  Key ca_key = read_key(ca.key_pem);
  Cert ca_cert = read_cert(ca.certificate_pem);
  Key key = new_key();
  Cert cert = new_cert(key.get(), common_name, organisation, not_before_offset, valid_for);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
  add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  if (server) add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign");
  return {cert_pem(cert.get()), key_pem(key.get())};
}

}  // namespace

KeyPair TestPki::server(const std::string& common_name) const {
  return issue(ca_, common_name, "", std::chrono::seconds(-3600), std::chrono::hours(24 * 7), true);
}

KeyPair TestPki::client(const std::string& user, const std::string& group, std::chrono::seconds valid_for) const {
  // An expired certificate: valid from two days ago until valid_for after that.
  std::chrono::seconds start = valid_for.count() < 0 ? std::chrono::seconds(-2 * 86400) : std::chrono::seconds(-3600);
  std::chrono::seconds length = valid_for.count() < 0 ? std::chrono::seconds(86400) : valid_for;
  return issue(ca_, user, group, start, length, false);
}

std::string write_test_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

}  // namespace pier::testing
