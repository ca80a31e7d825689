#include "http_session.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace pier::testing::kube_double {

namespace {

constexpr auto kRequestIdleTimeout = std::chrono::minutes(10);
constexpr size_t kBodyLimit = 64 * 1024 * 1024;

std::vector<std::string> name_entries(X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(ASN1_STRING_length(data)));
  }
  return out;
}

std::optional<ClientCertificate> read_client_certificate(SSL* ssl, bool rejected) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (!certificate) return std::nullopt;
  ClientCertificate out;
  X509_NAME* subject = X509_get_subject_name(certificate);
  auto names = name_entries(subject, NID_commonName);
  if (!names.empty()) out.common_name = names.front();
  out.organisations = name_entries(subject, NID_organizationName);
  out.verified = !rejected && SSL_get_verify_result(ssl) == X509_V_OK;
  X509_free(certificate);
  return out;
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, net::ssl::context& tls, SessionServices& services)
    : stream_(std::move(socket), tls),
      services_(services),
      latency_timer_(stream_.get_executor()),
      timeout_timer_(stream_.get_executor()),
      bookmark_timer_(stream_.get_executor()) {}

HttpSession::~HttpSession() {
  if (watch_) services_.rest.end_watch(*watch_);
}

void HttpSession::start() {
  // Like Go's tls.RequestClientCert + the x509 authenticator: the handshake
  // accepts any client certificate, and one that does not verify simply
  // does not authenticate (401 unless a token does).
  stream_.set_verify_mode(net::ssl::verify_peer);
  stream_.set_verify_callback([this](bool preverified, net::ssl::verify_context&) {
    if (!preverified) certificate_rejected_ = true;
    return true;
  });
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
  stream_.async_handshake(net::ssl::stream_base::server,
                          [self = shared_from_this()](beast::error_code error) { self->on_handshake(error); });
}

void HttpSession::on_handshake(beast::error_code error) {
  if (error) return close();
  certificate_ = read_client_certificate(stream_.native_handle(), certificate_rejected_);
  read_request();
}

void HttpSession::read_request() {
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  beast::get_lowest_layer(stream_).expires_after(kRequestIdleTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code error, size_t) { self->on_header(error); });
}

void HttpSession::on_header(beast::error_code error) {
  if (error) return close();
  // Clients (curl among them) ask before sending a large body; Go's server
  // says go ahead, and so does the double, or they stall for a second.
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    auto go_ahead = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http::async_write(stream_, *go_ahead, [self = shared_from_this(), go_ahead](beast::error_code write_error, size_t) {
      if (write_error) return self->close();
      self->read_body();
    });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code error, size_t) { self->on_request(error); });
}

void HttpSession::on_request(beast::error_code error) {
  if (error) return close();
  keep_alive_ = parser_->get().keep_alive();
  auto latency = services_.faults.latency();
  if (latency.count() <= 0) return serve();
  latency_timer_.expires_after(latency);
  latency_timer_.async_wait([self = shared_from_this()](beast::error_code wait_error) {
    if (!wait_error) self->serve();
  });
}

void HttpSession::serve() {
  auto& message = parser_->get();
  IncomingRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.body = std::move(message.body());
  request.content_type = std::string(message[http::field::content_type]);
  request.authorization = std::string(message[http::field::authorization]);
  request.user_agent = std::string(message[http::field::user_agent]);
  request.client_certificate = certificate_;
  RouteOutcome outcome = services_.router.handle(request);
  if (auto* reply = std::get_if<HttpReply>(&outcome)) return write_reply(std::move(*reply));
  start_watch(std::move(std::get<WatchPlan>(outcome)));
}

void HttpSession::write_reply(HttpReply reply) {
  auto response = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(reply.status), parser_->get().version());
  response->set(http::field::content_type, reply.content_type);
  response->set(http::field::cache_control, "no-cache, private");
  for (const auto& [name, value] : reply.headers) response->set(name, value);
  response->keep_alive(keep_alive_);
  response->body() = std::move(reply.body);
  response->prepare_payload();
  http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code error, size_t) {
    if (error || !self->keep_alive_) return self->close();
    self->read_request();
  });
}

void HttpSession::start_watch(WatchPlan plan) {
  watch_ = plan.watch;
  ++watch_number_;
  beast::get_lowest_layer(stream_).expires_never();  // a watch is quiet for as long as nothing changes
  auto header = std::make_shared<http::response<http::empty_body>>(http::status::ok, parser_->get().version());
  header->set(http::field::content_type, "application/json");
  header->set(http::field::cache_control, "no-cache, private");
  header->keep_alive(keep_alive_);
  header->chunked(true);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
  http::async_write_header(
      stream_, *serializer,
      [self = shared_from_this(), header, serializer, plan](beast::error_code error, size_t) {
        if (error || !self->watch_) return self->close();
        std::weak_ptr<HttpSession> weak = self;
        self->watch_->set_waker([weak] {
          if (auto session = weak.lock()) session->wake();
        });
        self->timeout_timer_.expires_after(plan.timeout);
        self->timeout_timer_.async_wait([self, number = self->watch_number_](beast::error_code wait_error) {
          if (wait_error || !self->watch_ || number != self->watch_number_) return;
          self->watch_->end();  // timeoutSeconds reached: end the stream cleanly
        });
        if (plan.bookmarks) self->schedule_bookmark();
        self->watch_for_hangup();
        self->drain_watch();
      });
}

void HttpSession::wake() {
  // Called from any thread; one pending post is enough.
  if (wake_posted_.exchange(true)) return;
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->wake_posted_ = false;
    self->drain_watch();
  });
}

void HttpSession::schedule_bookmark() {
  bookmark_timer_.expires_after(services_.bookmark_interval);
  bookmark_timer_.async_wait([self = shared_from_this(), number = watch_number_](beast::error_code error) {
    if (error || !self->watch_ || number != self->watch_number_) return;
    self->services_.rest.bookmark(*self->watch_);
    self->schedule_bookmark();
  });
}

void HttpSession::watch_for_hangup() {
  // An HTTP/1.1 client sends nothing while it reads a response, so this read
  // completes only when it hangs up (or, after the stream ended, with its
  // next request, which stays in buffer_ for the parser).
  probe_pending_ = true;
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code error, size_t read) {
    self->probe_pending_ = false;
    self->buffer_.commit(read);
    if (self->resume_after_probe_) {
      self->resume_after_probe_ = false;
      if (error && error != net::error::operation_aborted) return self->close();
      return self->read_request();
    }
    if (error) {
      if (self->watch_) self->close();  // the client went away: stop watching for it
      return;
    }
    if (self->watch_) self->watch_for_hangup();
  });
}

void HttpSession::drain_watch() {
  if (!watch_ || writing_) return;
  std::string data;
  WatchSubscription::State state = watch_->take(data);
  if (state == WatchSubscription::State::kCut) return cut_connection("");
  if (state == WatchSubscription::State::kCutMidEvent) {
    // Complete lines first, then half of the next one.
    if (data.empty()) {
      const ResourceType& type = *watch_->filter().type;
      data = watch_event_line("MODIFIED", "{\"apiVersion\":\"" + type.api_version() + "\",\"kind\":\"" + type.kind +
                                              "\",\"metadata\":{\"name\":\"cut-mid-event\"}}");
    }
    size_t last_line = data.rfind('\n', data.size() - 2);
    size_t last_start = last_line == std::string::npos ? 0 : last_line + 1;
    size_t cut_at = last_start + (data.size() - last_start) / 2;
    return cut_connection(data.substr(0, cut_at));
  }
  if (!data.empty()) {
    writing_ = true;
    chunk_ = std::move(data);
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                     [self = shared_from_this()](beast::error_code error, size_t) {
                       self->writing_ = false;
                       if (error) return self->close();
                       self->drain_watch();
                     });
    return;
  }
  if (state == WatchSubscription::State::kEnded) finish_watch();
}

void HttpSession::finish_watch() {
  timeout_timer_.cancel();
  bookmark_timer_.cancel();
  services_.rest.end_watch(*watch_);
  watch_.reset();
  net::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code error, size_t) {
    if (error || !self->keep_alive_) return self->close();
    if (!self->probe_pending_) return self->read_request();
    // The hang-up probe still reads: stop it, then read the next request.
    self->resume_after_probe_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
  });
}

void HttpSession::cut_connection(std::string last_bytes) {
  timeout_timer_.cancel();
  bookmark_timer_.cancel();
  services_.rest.end_watch(*watch_);
  watch_.reset();
  auto drop = [self = shared_from_this()] {
    // No TLS close_notify, no last chunk: the client sees the connection die.
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(self->stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  };
  if (last_bytes.empty()) return drop();
  chunk_ = std::move(last_bytes);
  writing_ = true;
  net::async_write(stream_, http::make_chunk(net::buffer(chunk_)), [self = shared_from_this(), drop](beast::error_code, size_t) {
    self->writing_ = false;
    drop();
  });
}

void HttpSession::close() {
  if (watch_) {
    timeout_timer_.cancel();
    bookmark_timer_.cancel();
    services_.rest.end_watch(*watch_);
    watch_.reset();
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream_).close();
}

}  // namespace pier::testing::kube_double
