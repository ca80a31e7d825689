#include "https_server.h"

namespace pier::testing::kube_double {

HttpsServer::HttpsServer(const ServerTls& tls, uint16_t port)
    : io_(1), tls_(net::ssl::context::tls_server), acceptor_(io_) {
  tls_.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  tls_.use_certificate_chain(net::buffer(tls.certificate_pem));
  tls_.use_private_key(net::buffer(tls.key_pem), net::ssl::context::pem);
  tls_.add_certificate_authority(net::buffer(tls.ca_pem));
  // OpenSSL refuses to resume a session (alert: internal error) when the
  // server asks for client certificates and has no session id context; real
  // API servers resume sessions, and libcurl tries to.
  static const unsigned char kSessionContext[] = "pier-kube-double";
  SSL_CTX_set_session_id_context(tls_.native_handle(), kSessionContext, sizeof kSessionContext - 1);

  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start(SessionServices services) {
  services_.emplace(services);
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

void HttpsServer::accept() {
  acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
    if (error) return;  // the acceptor was closed
    socket.set_option(tcp::no_delay(true));
    std::make_shared<HttpSession>(std::move(socket), tls_, *services_)->start();
    accept();
  });
}

void HttpsServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  io_.stop();
  if (thread_.joinable()) thread_.join();
  beast::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace pier::testing::kube_double
