// One client connection of the double: TLS handshake (reading the client
// certificate, if any), then HTTP/1.1 requests with keep-alive, each answered
// whole or, for a watch, as a chunked stream of newline-delimited JSON
// events with periodic bookmarks until the watch times out, the server
// ends it, or a test cuts it.
//
// Runs on the server's single I/O thread; the only thing that reaches it
// from other threads is a watch's wake-up, which is posted to that thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "asio_beast.h"
#include "authenticator.h"
#include "fault_injection.h"
#include "rest_operations.h"
#include "router.h"

namespace pier::testing::kube_double {

struct SessionServices {
  Router& router;
  RestOperations& rest;
  FaultInjector& faults;
  std::chrono::milliseconds bookmark_interval;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, net::ssl::context& tls, SessionServices& services);
  ~HttpSession();

  void start();

 private:
  void on_handshake(beast::error_code error);
  void read_request();
  void on_header(beast::error_code error);
  void read_body();
  void on_request(beast::error_code error);
  void serve();
  void write_reply(HttpReply reply);

  void start_watch(WatchPlan plan);
  void wake();
  void drain_watch();
  void schedule_bookmark();
  void watch_for_hangup();
  void finish_watch();
  void cut_connection(std::string last_bytes);
  void close();

  beast::ssl_stream<beast::tcp_stream> stream_;
  SessionServices& services_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<ClientCertificate> certificate_;
  bool certificate_rejected_ = false;
  bool keep_alive_ = true;
  net::steady_timer latency_timer_;

  // The watch being streamed, if any, and a count of watches on this
  // connection, so that a timer of an earlier watch cannot touch a later one.
  WatchPtr watch_;
  uint64_t watch_number_ = 0;
  std::string chunk_;  // the chunk being written
  bool writing_ = false;
  std::atomic<bool> wake_posted_{false};
  // A read kept pending during a watch, to notice a client that hangs up.
  bool probe_pending_ = false;
  bool resume_after_probe_ = false;
  net::steady_timer timeout_timer_;
  net::steady_timer bookmark_timer_;
};

}  // namespace pier::testing::kube_double
