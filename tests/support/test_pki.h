// A throw-away PKI for TLS tests: a CA, a server certificate for 127.0.0.1,
// ::1 and localhost, and client certificates, made with OpenSSL in memory
// (PEM strings) and, when asked, written to a directory.
#pragma once

#include <chrono>
#include <string>

namespace pier::testing {

struct KeyPair {
  std::string certificate_pem;
  std::string key_pem;
};

class TestPki {
 public:
  // A new CA named `ca_name` (each call: a new key, so two TestPki do not
  // trust each other's certificates).
  explicit TestPki(const std::string& ca_name = "pier-test-ca");

  const std::string& ca_pem() const { return ca_.certificate_pem; }
  // Server certificate with subjectAltName IP:127.0.0.1, IP:::1, DNS:localhost.
  KeyPair server(const std::string& common_name = "localhost") const;
  // Client certificate (extendedKeyUsage clientAuth): CN = user, O = group,
  // as kube-apiserver reads them. valid_for may be negative: already expired.
  KeyPair client(const std::string& user, const std::string& group = "",
                 std::chrono::seconds valid_for = std::chrono::hours(24)) const;

 private:
  KeyPair ca_;
  std::string ca_name_;
};

// Writes text to dir/name (mode 0600) and returns the path.
std::string write_test_file(const std::string& dir, const std::string& name, const std::string& text);

}  // namespace pier::testing
