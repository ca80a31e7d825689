// The listening side of the double: a TLS 1.2+ acceptor on 127.0.0.1 and the
// one I/O thread every connection runs on.
//
//   HttpsServer server(tls, /*port=*/0);            // binds now: port() is known
//   server.start(services);                           // accepts from now on
//   server.stop();                                    // closes everything, joins the thread
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "asio_beast.h"
#include "http_session.h"

namespace pier::testing::kube_double {

struct ServerTls {
  std::string ca_pem;           // verifies client certificates
  std::string certificate_pem;  // the server's
  std::string key_pem;
};

class HttpsServer {
 public:
  HttpsServer(const ServerTls& tls, uint16_t port);
  ~HttpsServer();

  uint16_t port() const { return port_; }
  void start(SessionServices services);
  // Idempotent. Open connections are dropped.
  void stop();

 private:
  void accept();

  net::io_context io_;
  net::ssl::context tls_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::optional<SessionServices> services_;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace pier::testing::kube_double
