// One client connection. Everything a connection does runs on its own strand
// (the executor its socket was accepted with), except handlers, which run on
// the worker pool and post their answer back:
//
//   [TLS handshake] -> wait for a request (idle timeout) -> read the header
//   (header timeout; 431/413/400 answered here) -> [100 Continue] -> read the
//   body (body timeout; 413) -> route (404/405 answered here) -> worker:
//   authorize, run the handler -> write the response (write timeout) -> keep
//   alive: wait again, or close.
//
// An event-stream route leaves that loop for streaming: the SseStream queues
// bytes from any thread and wakes the connection, which writes them one
// batch at a time; a read stays pending only to notice the client leaving;
// a timer sends keepalive comments and drops a client that stopped reading.
#include "server/connection.h"

#include <array>
#include <cctype>
#include <chrono>
#include <optional>
#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/access_log.h"
#include "server/sse.h"

namespace pier::server::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::chrono::milliseconds kTlsShutdownTimeout{500};
// After refusing a request whose body we did not read, keep reading (and
// discarding) for a moment: closing with unread bytes makes the kernel send
// a reset, and the client may lose our answer with it.
constexpr std::chrono::milliseconds kLingerTimeout{1000};
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A handler's header that would break the response's framing (CR, LF, NUL)
// is dropped rather than sent.
bool is_valid_header(const Header& header) {
  if (header.name.empty()) return false;
  for (char c : header.name)
    if (!is_token_char(c)) return false;
  for (char c : header.value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

Response internal_error(std::string note) {
  Response response = Response::error(500, "internal error");
  response.log_note = std::move(note);
  return response;
}

std::string format_remote(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

template <class Stream>
class Connection final : public ConnectionControl, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Connection(ServerCore& core, std::string remote, StreamArgs&&... stream_args)
      : core_(core),
        stream_(std::forward<StreamArgs>(stream_args)...),
        remote_(std::move(remote)),
        id_(core.next_connection_id++),
        keepalive_timer_(stream_.get_executor()) {
    core_.http_metrics.connections().inc();
  }

  ~Connection() override {
    if (sse_) sse_->mark_closed();
    if (in_flight_) core_.http_metrics.in_flight().dec();
    if (streaming_counted_) core_.http_metrics.sse_streams().dec();
    core_.http_metrics.connections().dec();
    core_.remove_connection(id_);
  }

  void start() {
    core_.add_connection(id_, this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->on_start(); });
  }

  void begin_shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->on_shutdown(); });
  }

  void force_close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(CloseMode::kHard); });
  }

 private:
  enum class State { kNew, kHandshake, kIdle, kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };
  enum class CloseMode { kPolite, kHard };
  enum class AfterWrite { kKeepAlive, kClose, kLinger };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<Connection> self() { return this->shared_from_this(); }
  const ServerOptions& options() const { return core_.options; }

  // ---- reading a request ----

  void on_start() {
    if (state_ == State::kClosed) return;
    if (core_.stopping) return close(CloseMode::kHard);
    if constexpr (kTls) {
      state_ = State::kHandshake;
      lowest().expires_after(options().header_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, [self = self()](const error_code& ec) {
        if (self->state_ == State::kClosed) return;
        if (ec) {
          self->core_.logger.debug("tls handshake failed", {{"remote", self->remote_}, {"error", ec.message()}});
          return self->close(CloseMode::kHard);
        }
        self->wait_for_request();
      });
    } else {
      wait_for_request();
    }
  }

  // Waits for the first byte of the next request under the idle timeout, so
  // that the header timeout only starts once a request has begun.
  void wait_for_request() {
    if (shutting_down_ || core_.stopping) return close(CloseMode::kPolite);
    if (buffer_.size() > 0) return read_header();  // pipelined
    state_ = State::kIdle;
    lowest().expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), [self = self()](const error_code& ec, std::size_t n) {
      if (self->state_ == State::kClosed) return;
      if (ec) return self->close(ec == asio::error::operation_aborted ? CloseMode::kPolite : CloseMode::kHard);
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  void read_header() {
    state_ = State::kReading;
    started_ = SteadyClock::now();
    request_ = Request{};
    query_text_.clear();
    route_ = nullptr;
    version_ = 11;
    body_bytes_ = 0;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    lowest().expires_after(options().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_, [self = self()](const error_code& ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(const error_code& ec) {
    if (state_ == State::kClosed) return;
    if (ec) return refuse_unreadable(ec);
    begin_request();
    auto& header = parser_->get();
    if (!parser_->is_done() && beast::iequals(header[http::field::expect], "100-continue")) {
      // The client waits for this before sending a large body (curl: over 1 MiB).
      asio::async_write(stream_, asio::buffer(k100Continue.data(), k100Continue.size()),
                        [self = self()](const error_code& ec, std::size_t) {
                          if (self->state_ == State::kClosed) return;
                          if (ec) return self->close(CloseMode::kHard);
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return dispatch();
    lowest().expires_after(options().body_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = self()](const error_code& ec, std::size_t) {
      if (self->state_ == State::kClosed) return;
      if (ec) return self->refuse_unreadable(ec);
      self->dispatch();
    });
  }

  // A request we could not read: answer when the client can still hear it.
  void refuse_unreadable(const error_code& ec) {
    if (ec == http::error::body_limit) {
      return reply_early(413, "request body larger than " + std::to_string(options().max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) return reply_early(431, "request headers too large");
    if (&ec.category() == &http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return reply_early(400, "malformed HTTP request");
    // Timeouts (slow clients), resets and a client that went away: nobody to answer.
    if (ec == beast::error::timeout)
      core_.logger.debug("client too slow", {{"remote", remote_}, {"state", state_ == State::kReading ? "reading" : "other"}});
    close(CloseMode::kHard);
  }

  // Method and target from the header, as soon as there is one (for the logs
  // of requests refused before their body).
  void begin_request() {
    const auto& header = parser_->get();
    request_.method = std::string(view(header.method_string()));
    request_.target = std::string(view(header.target()));
    std::string_view target = request_.target;
    std::size_t question = target.find('?');
    request_.path = std::string(target.substr(0, question));
    query_text_ = question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
    version_ = header.version();
  }

  void dispatch() {
    state_ = State::kHandling;
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive() && options().keep_alive;

    Request& request = request_;
    request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
    for (const auto& field : message)
      request.headers.push_back(Header{std::string(view(field.name_string())), std::string(view(field.value()))});
    request.body = std::move(message.body());
    request.remote_address = remote_;
    request.stop = core_.deadline_passed.get_token();
    auto client_id = request.header("X-Request-Id");
    request.request_id = client_id && is_sane_request_id(*client_id)
                             ? std::string(*client_id)
                             : core_.request_id_prefix + std::to_string(core_.next_request_id++);

    auto segments = split_path(request.path);
    if (!segments) return write_response(Response::error(400, "invalid path: " + segments.error().message));
    request.segments = std::move(*segments);
    auto query = parse_query(query_text_);
    if (!query) return write_response(Response::error(query.error(), 400));
    request.query = std::move(*query);

    RouteMatch match = core_.router.match(request.method, request.segments);
    if (!match.route) {
      if (match.allowed.empty()) return write_response(Response::error(404, "no route for " + request.method + " " + request.path));
      Response refused = Response::error(405, "method " + request.method + " not allowed for " + request.path);
      refused.set_header("Allow", match.allowed);
      return write_response(std::move(refused));
    }
    route_ = match.route;
    request.route = route_->pattern;
    request.params = std::move(match.params);
    if (route_->stream_handler) {
      if (request.method != "GET") {
        Response refused = Response::error(405, "event streams answer GET only");
        refused.set_header("Allow", "GET");
        return write_response(std::move(refused));
      }
      sse_ = std::make_shared<SseStream>(std::string(request.last_event_id()), sse_head(), version_ >= 11,
                                         options().sse_max_queued_bytes, make_wake());
    }

    in_flight_ = true;
    core_.http_metrics.in_flight().inc();
    bool posted = core_.workers->post([self = self()] { self->run_on_worker(); });
    if (!posted) close(CloseMode::kHard);  // the server is stopping
  }

  // ---- on a worker thread: the connection touches request_ and sse_ only
  // after the answer is posted back ----

  void run_on_worker() {
    auto allowed = authorize(route_->access, request_.header("Authorization"), core_.router.authenticator());
    if (!allowed) return deliver(std::move(allowed.error()));
    request_.principal = std::move(*allowed);

    if (route_->stream_handler) {
      std::optional<Response> answer;
      try {
        answer = route_->stream_handler(request_, sse_);
      } catch (const std::exception& e) {
        answer = internal_error(std::string("stream handler threw: ") + e.what());
      } catch (...) {
        answer = internal_error("stream handler threw");
      }
      asio::post(stream_.get_executor(), [self = self(), answer = std::move(answer)]() mutable {
        self->on_stream_handler_done(std::move(answer));
      });
      return;
    }

    Response response;
    try {
      response = route_->handler(request_);
    } catch (const std::exception& e) {
      response = internal_error(std::string("handler threw: ") + e.what());
    } catch (...) {
      response = internal_error("handler threw");
    }
    deliver(std::move(response));
  }

  void deliver(Response response) {
    asio::post(stream_.get_executor(), [self = self(), response = std::move(response)]() mutable {
      self->write_response(std::move(response));
    });
  }

  // ---- writing a response ----

  void reply_early(int status, std::string message) {
    after_write_ = AfterWrite::kLinger;
    write_response(Response::error(status, message));
  }

  void write_response(Response response) {
    if (state_ == State::kClosed) return;
    if (!response.log_note.empty())
      core_.logger.error("request failed", {{"route", request_.route},
                                            {"request_id", request_.request_id},
                                            {"status", response.status},
                                            {"error", response.log_note}});
    state_ = State::kWriting;
    bool keep = keep_alive_ && !shutting_down_ && !core_.stopping && after_write_ == AfterWrite::kKeepAlive;
    if (!keep && after_write_ == AfterWrite::kKeepAlive) after_write_ = AfterWrite::kClose;

    if (!build_response(response, keep)) {
      // Beast refused what the handler built (a status out of range, an
      // oversized header): answer 500 instead of failing the connection.
      Response fallback = internal_error("unusable response from the handler (status " +
                                         std::to_string(response.status) + ")");
      core_.logger.error("request failed", {{"route", request_.route}, {"error", fallback.log_note}});
      build_response(fallback, keep);
    }
    lowest().expires_after(options().write_timeout);
    http::async_write(stream_, response_, [self = self()](const error_code& ec, std::size_t) { self->on_written(ec); });
  }

  // Fills response_ from a handler's Response; false if Beast refused it.
  bool build_response(Response& response, bool keep) {
    if (response.status < 200 || response.status > 599) return false;
    // These statuses have no body, and Beast refuses to frame one.
    if (response.status == 204 || response.status == 304) response.body.clear();
    try {
      response_ = {};
      response_.version(version_ == 10 ? 10 : 11);
      response_.result(static_cast<unsigned>(response.status));
      for (const Header& header : response.headers) {
        if (is_valid_header(header)) {
          response_.insert(header.name, header.value);
        } else {
          core_.logger.error("invalid response header dropped", {{"route", request_.route}, {"header", header.name}});
        }
      }
      if (!request_.request_id.empty()) response_.set("X-Request-Id", request_.request_id);
      response_.keep_alive(keep);
      status_ = response.status;
      body_bytes_ = response.body.size();
      if (request_.method == "HEAD") {
        response_.content_length(response.body.size());
      } else {
        response_.body() = std::move(response.body);
        response_.prepare_payload();
      }
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

  void on_written(const error_code& ec) {
    record(status_, body_bytes_, false);
    if (state_ == State::kClosed) return;
    if (ec) return close(CloseMode::kHard);
    AfterWrite next = after_write_;
    after_write_ = AfterWrite::kKeepAlive;
    route_ = nullptr;
    switch (next) {
      case AfterWrite::kKeepAlive:
        return wait_for_request();
      case AfterWrite::kClose:
        return close(CloseMode::kPolite);
      case AfterWrite::kLinger:
        return linger_then_close();
    }
  }

  void linger_then_close() {
    if constexpr (kTls) {
      close(CloseMode::kHard);
    } else {
      state_ = State::kLingering;
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(kLingerTimeout);
      discard_until_closed();
    }
  }

  void discard_until_closed() {
    stream_.async_read_some(asio::buffer(scratch_), [self = self()](const error_code& ec, std::size_t) {
      if (self->state_ == State::kClosed) return;
      if (ec) return self->close(CloseMode::kHard);
      self->discard_until_closed();
    });
  }

  void record(int status, std::size_t bytes, bool stream) {
    if (in_flight_) {
      in_flight_ = false;
      core_.http_metrics.in_flight().dec();
    }
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
    std::string_view route = route_ ? std::string_view(route_->pattern) : std::string_view();
    core_.http_metrics.observe(request_.method, route, status, stream ? -1 : seconds);
    if (!options().access_log) return;
    AccessRecord record;
    record.method = request_.method;
    record.route = route;
    record.path = request_.path;
    record.query = query_text_;
    record.status = status;
    record.duration_ms = seconds * 1000;
    record.bytes = bytes;
    record.remote = remote_;
    record.request_id = request_.request_id;
    if (request_.principal) record.user = request_.principal->user;
    log_access(core_.access_logger, record);
  }

  // ---- event streams ----

  std::string sse_head() const {
    bool chunked = version_ >= 11;
    std::string head = chunked ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.0 200 OK\r\n";
    head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\n";
    head += chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n";
    head += "X-Request-Id: " + request_.request_id + "\r\n\r\n";
    std::string retry = "retry: " + std::to_string(options().sse_retry.count()) + "\n\n";
    head += chunked ? http_chunk(retry) : retry;
    return head;
  }

  // The stream's wake-up: any thread may call it; it must not keep the
  // connection (or its executor) alive.
  std::function<void()> make_wake() {
    return [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) asio::post(self->stream_.get_executor(), [self] { self->on_stream_wake(); });
    };
  }

  void on_stream_handler_done(std::optional<Response> answer) {
    if (state_ == State::kClosed) return;
    if (answer && !sse_->opened()) {
      sse_->mark_closed();  // never opened: the handler answered instead
      sse_.reset();
      return write_response(std::move(*answer));
    }
    if (answer) core_.logger.warn("stream handler answered after streaming; answer ignored", {{"route", request_.route}});
    sse_->open();
    enter_streaming();
    if (shutting_down_) sse_->close();
  }

  void on_stream_wake() {
    if (state_ == State::kClosed || !sse_) return;
    if (state_ == State::kHandling && sse_->opened()) return enter_streaming();
    if (state_ == State::kStreaming) flush_stream();
  }

  void enter_streaming() {
    if (state_ == State::kStreaming) return;
    state_ = State::kStreaming;
    if (in_flight_) {  // a stream is not a request in flight: it would hide real ones
      in_flight_ = false;
      core_.http_metrics.in_flight().dec();
    }
    streaming_counted_ = true;
    core_.http_metrics.sse_streams().inc();
    lowest().expires_never();  // the keepalive timer watches writes instead
    watch_for_disconnect();
    arm_keepalive();
    flush_stream();
  }

  void flush_stream() {
    if (stream_writing_ || state_ != State::kStreaming) return;
    SseStream::Pending pending = sse_->take();
    if (pending.abort) {
      core_.logger.warn("event stream dropped: client too slow", {{"route", request_.route}, {"remote", remote_}});
      return close(CloseMode::kHard);
    }
    if (pending.bytes.empty()) {
      if (pending.finish) finish_stream();
      return;
    }
    stream_buffer_ = std::move(pending.bytes);
    stream_finish_after_ = pending.finish;
    stream_writing_ = true;
    wrote_since_tick_ = true;
    write_started_ = SteadyClock::now();
    asio::async_write(stream_, asio::buffer(stream_buffer_), [self = self()](const error_code& ec, std::size_t n) {
      self->stream_writing_ = false;
      self->body_bytes_ += n;
      if (self->state_ == State::kClosed) return;
      if (ec) return self->close(CloseMode::kHard);
      if (self->stream_finish_after_) return self->finish_stream();
      self->flush_stream();
    });
  }

  void finish_stream() {
    close(CloseMode::kHard);  // the final chunk told the client the body is complete
  }

  // A client sends nothing on an event stream: a read completes only when it leaves.
  void watch_for_disconnect() {
    stream_.async_read_some(asio::buffer(scratch_), [self = self()](const error_code& ec, std::size_t) {
      if (self->state_ != State::kStreaming) return;
      if (ec) return self->close(CloseMode::kHard);
      self->watch_for_disconnect();
    });
  }

  void arm_keepalive() {
    keepalive_timer_.expires_after(options().sse_keepalive);
    keepalive_timer_.async_wait([self = self()](const error_code& ec) {
      if (ec || self->state_ != State::kStreaming) return;
      if (self->stream_writing_ && SteadyClock::now() - self->write_started_ > self->options().write_timeout) {
        self->core_.logger.warn("event stream dropped: client stopped reading", {{"remote", self->remote_}});
        return self->close(CloseMode::kHard);
      }
      if (!self->wrote_since_tick_) self->sse_->comment("keepalive");
      self->wrote_since_tick_ = false;
      self->arm_keepalive();
    });
  }

  // ---- stopping ----

  void on_shutdown() {
    shutting_down_ = true;
    if (state_ == State::kIdle) {
      lowest().cancel();  // the pending read ends with operation_aborted, then close
    } else if (state_ == State::kStreaming) {
      sse_->close();
    }
    // Reading, handling, writing: the response goes out with Connection: close.
  }

  void close(CloseMode mode) {
    if (state_ == State::kClosed) return;
    bool polite = mode == CloseMode::kPolite && state_ != State::kStreaming;
    if (state_ == State::kStreaming) record(200, body_bytes_, true);  // a stream is logged when it ends
    if (streaming_counted_) {
      streaming_counted_ = false;
      core_.http_metrics.sse_streams().dec();
    }
    state_ = State::kClosed;
    keepalive_timer_.cancel();
    if (sse_) sse_->mark_closed();
    if constexpr (kTls) {
      if (polite) {
        // close_notify, bounded: a client that does not answer it is cut off.
        lowest().expires_after(kTlsShutdownTimeout);
        stream_.async_shutdown([self = self()](const error_code&) { self->lowest().close(); });
        return;
      }
    }
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  ServerCore& core_;
  Stream stream_;
  const std::string remote_;
  const std::uint64_t id_;
  asio::steady_timer keepalive_timer_;

  State state_ = State::kNew;
  bool shutting_down_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 1024> scratch_{};

  // The request being served.
  Request request_;
  std::string query_text_;
  const Route* route_ = nullptr;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool in_flight_ = false;
  SteadyClock::time_point started_;
  AfterWrite after_write_ = AfterWrite::kKeepAlive;
  http::response<http::string_body> response_;
  int status_ = 0;
  std::size_t body_bytes_ = 0;

  // Its event stream.
  std::shared_ptr<SseStream> sse_;
  std::string stream_buffer_;
  bool stream_writing_ = false;
  bool stream_finish_after_ = false;
  bool wrote_since_tick_ = false;
  bool streaming_counted_ = false;
  SteadyClock::time_point write_started_;
};

}  // namespace

void start_plain_connection(ServerCore& core, tcp::socket socket) {
  std::string remote = format_remote(socket);
  auto connection = std::make_shared<Connection<beast::tcp_stream>>(core, std::move(remote), std::move(socket));
  connection->start();
}

void start_tls_connection(ServerCore& core, tcp::socket socket, asio::ssl::context& tls) {
  std::string remote = format_remote(socket);
  auto connection =
      std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(core, std::move(remote), std::move(socket), tls);
  connection->start();
}

}  // namespace pier::server::detail
