// Internal: one client connection, plain or TLS, from its first byte to its
// close (see connection.cc). Not part of the public API.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/server_core.h"

namespace pier::server::detail {

// `socket` was accepted with its own strand as executor.
void start_plain_connection(ServerCore& core, boost::asio::ip::tcp::socket socket);
void start_tls_connection(ServerCore& core, boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls);

}  // namespace pier::server::detail
