// A small HTTPS server on 127.0.0.1 for transport tests, answering from a
// script and injecting faults: delays, dropped connections, 429/5xx bursts,
// slow chunked streams, bearer tokens and client certificates required.
//
//   HttpsTestServer server({.certificate = pki.server()});
//   server.enqueue({.status = 429, .headers = {{"Retry-After", "0"}}});
//   server.enqueue({.status = 200, .body = "{}"});
//   ... send two requests to server.url() ...
//   EXPECT_EQ(server.connections(), 1);
//
// One thread accepts, one thread serves each connection (HTTP/1.1 with
// keep-alive, Boost.Beast). stop() (and the destructor) interrupts every
// wait and closes every connection, so no test can hang on the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test_pki.h"

namespace pier::testing {

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  bool close_without_answer = false;   // read the request, then drop the connection
  // Non-empty: a chunked body, one chunk per entry, `chunk_interval` apart.
  std::vector<std::string> chunks;
  std::chrono::milliseconds chunk_interval{0};
  bool hold_open_after_chunks = false;  // then never end the stream (until the server stops)
  bool drop_after_chunks = false;       // then close the connection without ending the body
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  int connection = 0;                                         // which TCP connection (1-based)

  std::string header(const std::string& lower_case_name) const;
};

struct HttpsTestServerOptions {
  KeyPair certificate;        // the server's certificate and key (TestPki::server())
  std::string client_ca_pem;  // non-empty: require a client certificate issued by this CA
  std::string required_token;  // non-empty: other bearer tokens get 401
};

class HttpsTestServer {
 public:
  explicit HttpsTestServer(HttpsTestServerOptions options);
  ~HttpsTestServer();
  HttpsTestServer(const HttpsTestServer&) = delete;
  HttpsTestServer& operator=(const HttpsTestServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // Responses in order; when the script is empty: `fallback` (200 "{}").
  void enqueue(ScriptedResponse response);
  void set_fallback(ScriptedResponse response);
  void set_required_token(std::string token);

  int connections() const;        // TCP connections accepted
  int failed_handshakes() const;  // TLS handshakes that failed (e.g. a refused client certificate)
  std::vector<ReceivedRequest> requests() const;

  void stop();

 private:
  struct Impl;  // Boost.Asio and Beast stay out of this header
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace pier::testing
