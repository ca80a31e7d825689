// The server side of TLS: certificate chain and key from PEM files, TLS 1.2
// or newer, OpenSSL's default (secure) cipher choice.
//
//   auto context = make_tls_server_context({"/etc/pier/tls.crt", "/etc/pier/tls.key"});
#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "common/error.h"
#include "server/server_options.h"

namespace pier::server {

// kInvalidInput naming the file and OpenSSL's reason for an unreadable or
// malformed certificate or key, or a key that does not match the certificate.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_server_context(const TlsFiles& files);

}  // namespace pier::server
