#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace pier::server {
namespace {

// OpenSSL's reason for the last failure ("no start line", "key values mismatch").
std::string openssl_reason(const boost::system::error_code& ec) {
  unsigned long code = ERR_peek_last_error();
  std::string reason;
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    if (text) reason = text;
  }
  ERR_clear_error();
  return reason.empty() ? ec.message() : reason;
}

}  // namespace

Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_server_context(const TlsFiles& files) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return fail(Error::internal("tls: " + ec.message()));
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);

  context->use_certificate_chain_file(files.certificate_file, ec);
  if (ec) return fail(Error::invalid("tls certificate " + files.certificate_file + ": " + openssl_reason(ec)));
  auto mismatch = [&] {
    return fail(Error::invalid("tls key " + files.key_file + " does not match the certificate " +
                               files.certificate_file));
  };
  context->use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    std::string reason = openssl_reason(ec);
    if (reason.find("mismatch") != std::string::npos) return mismatch();
    return fail(Error::invalid("tls key " + files.key_file + ": " + reason));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return mismatch();
  }
  return context;
}

}  // namespace pier::server
