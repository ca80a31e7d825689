#include "https_test_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pier::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

void check(const error_code& ec, const char* what) {
  if (ec) throw std::runtime_error(std::string("HttpsTestServer: ") + what + ": " + ec.message());
}

}  // namespace

std::string ReceivedRequest::header(const std::string& lower_case_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_case_name) return value;
  return {};
}

struct HttpsTestServer::Impl {
  explicit Impl(HttpsTestServerOptions opts) : options(std::move(opts)), tls(asio::ssl::context::tls_server) {}

  HttpsTestServerOptions options;
  asio::io_context io;  // only as the home of the sockets: every operation is synchronous
  asio::ssl::context tls;
  std::unique_ptr<tcp::acceptor> acceptor;
  uint16_t port = 0;

  std::atomic<int> connections{0};
  std::atomic<int> failed_handshakes{0};
  std::atomic<bool> stopping{false};

  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<ScriptedResponse> script;
  ScriptedResponse fallback{200, {{"Content-Type", "application/json"}}, "{}"};
  std::vector<ReceivedRequest> requests;
  std::set<int> open_fds;  // shut down by stop() to interrupt blocking reads
  std::thread accept_thread;
  std::vector<std::thread> connection_threads;

  bool wait(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, duration, [&] { return stopping.load(); });
  }

  ScriptedResponse next_response(const ReceivedRequest& request) {
    std::lock_guard lock(mutex);
    requests.push_back(request);
    if (!options.required_token.empty() && request.header("authorization") != "Bearer " + options.required_token)
      return ScriptedResponse{401,
                              {{"Content-Type", "application/json"}},
                              R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})"};
    if (script.empty()) return fallback;
    ScriptedResponse next = std::move(script.front());
    script.pop_front();
    return next;
  }

  void accept_loop() {
    while (true) {
      tcp::socket socket(io);
      error_code ec;
      acceptor->accept(socket, ec);
      if (ec) {
        if (stopping) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // e.g. out of descriptors: do not spin
        continue;
      }
      std::lock_guard lock(mutex);  // stop() sets `stopping` under it: no connection escapes its shutdown
      if (stopping) break;
      int number = ++connections;
      open_fds.insert(socket.native_handle());
      connection_threads.emplace_back([this, number, s = std::move(socket)]() mutable { serve(std::move(s), number); });
    }
  }

  void serve(tcp::socket socket, int number) {
    const int fd = socket.native_handle();
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
    serve_tls(stream, number);
    std::lock_guard lock(mutex);  // stop() must not shut down a reused descriptor
    open_fds.erase(fd);
    error_code ignored;
    stream.lowest_layer().close(ignored);
  }

  void serve_tls(asio::ssl::stream<tcp::socket>& stream, int number) {
    error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) {
      ++failed_handshakes;
      return;
    }
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request<http::string_body> request;
      http::read(stream, buffer, request, ec);
      if (ec) return;  // the client closed the connection, or stop()
      ReceivedRequest received;
      received.method = std::string(request.method_string());
      received.target = std::string(request.target());
      received.body = request.body();
      received.connection = number;
      for (const auto& field : request)
        received.headers.emplace_back(lower(std::string(field.name_string())), std::string(field.value()));
      ScriptedResponse response = next_response(received);
      if (response.delay.count() > 0 && !wait(response.delay)) return;
      if (response.close_without_answer) return;
      if (!response.chunks.empty()) {
        write_chunked(stream, response);
        return;  // a stream ends its connection
      }
      http::response<http::string_body> reply{static_cast<http::status>(response.status), request.version()};
      for (const auto& [name, value] : response.headers) reply.set(name, value);
      reply.body() = response.body;
      reply.keep_alive(request.keep_alive());
      reply.prepare_payload();
      http::write(stream, reply, ec);
      if (ec || !request.keep_alive()) return;
    }
  }

  void write_chunked(asio::ssl::stream<tcp::socket>& stream, const ScriptedResponse& response) {
    error_code ec;
    http::response<http::empty_body> head{static_cast<http::status>(response.status), 11};
    for (const auto& [name, value] : response.headers) head.set(name, value);
    head.chunked(true);
    http::response_serializer<http::empty_body> serializer{head};
    http::write_header(stream, serializer, ec);
    if (ec) return;
    for (size_t i = 0; i < response.chunks.size(); ++i) {
      if (i > 0 && response.chunk_interval.count() > 0 && !wait(response.chunk_interval)) return;
      asio::write(stream, http::make_chunk(asio::buffer(response.chunks[i])), ec);
      if (ec) return;
    }
    if (response.drop_after_chunks) return;  // serve() closes the socket
    if (response.hold_open_after_chunks) {
      // Until stop(): a watch that goes quiet.
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return stopping.load(); });
      return;
    }
    asio::write(stream, http::make_chunk_last(), ec);
  }
};

HttpsTestServer::HttpsTestServer(HttpsTestServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl& s = *impl_;
  error_code ec;
  s.tls.use_certificate_chain(asio::buffer(s.options.certificate.certificate_pem), ec);
  check(ec, "server certificate");
  s.tls.use_private_key(asio::buffer(s.options.certificate.key_pem), asio::ssl::context::pem, ec);
  check(ec, "server key");
  if (!s.options.client_ca_pem.empty()) {
    s.tls.add_certificate_authority(asio::buffer(s.options.client_ca_pem), ec);
    check(ec, "client CA");
    s.tls.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
    check(ec, "verify mode");
  }
  s.acceptor = std::make_unique<tcp::acceptor>(s.io);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  s.acceptor->open(endpoint.protocol(), ec);
  check(ec, "open");
  s.acceptor->bind(endpoint, ec);
  check(ec, "bind");
  s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  check(ec, "listen");
  port_ = s.acceptor->local_endpoint().port();
  s.accept_thread = std::thread([&s] { s.accept_loop(); });
}

HttpsTestServer::~HttpsTestServer() { stop(); }

void HttpsTestServer::enqueue(ScriptedResponse response) {
  std::lock_guard lock(impl_->mutex);
  impl_->script.push_back(std::move(response));
}

void HttpsTestServer::set_fallback(ScriptedResponse response) {
  std::lock_guard lock(impl_->mutex);
  impl_->fallback = std::move(response);
}

void HttpsTestServer::set_required_token(std::string token) {
  std::lock_guard lock(impl_->mutex);
  impl_->options.required_token = std::move(token);
}

int HttpsTestServer::connections() const { return impl_->connections.load(); }
int HttpsTestServer::failed_handshakes() const { return impl_->failed_handshakes.load(); }

std::vector<ReceivedRequest> HttpsTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void HttpsTestServer::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping.exchange(true)) return;
    s.wake.notify_all();
    for (int fd : s.open_fds) ::shutdown(fd, SHUT_RDWR);
  }
  // Wake the blocking accept() with a connection of our own.
  {
    error_code ignored;
    tcp::socket poke(s.io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  }
  if (s.accept_thread.joinable()) s.accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(s.mutex);
    threads.swap(s.connection_threads);
  }
  for (auto& t : threads) t.join();
}

}  // namespace pier::testing
