// Test helpers: real HTTP requests with libcurl, an SSE reader that runs on
// its own thread, and a raw TCP connection for what curl will not send
// (slow clients, pipelining, unnormalised paths). Loopback only; every wait
// is bounded.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pier::server::testing {

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::string> body;
  std::string ca_pem;       // HTTPS: trust only this CA
  bool path_as_is = false;  // send "/../" as written
  long timeout_ms = 5000;
  long max_tls_version = 0;  // CURL_SSLVERSION_MAX_* to force an old TLS
};

struct ClientResponse {
  long status = 0;  // 0: the transfer failed (see error)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string error;
  long connects = 0;  // new connections this transfer opened

  std::string header(const std::string& lower_name) const;
};

ClientResponse send(const ClientRequest& request);
ClientResponse get(const std::string& url, std::vector<std::string> headers = {});

// Several requests over one kept-alive connection (one curl handle).
class KeepAliveClient {
 public:
  KeepAliveClient();
  ~KeepAliveClient();
  ClientResponse get(const std::string& url);

 private:
  void* curl_;
};

// Reads an event stream on a background thread until the server ends it,
// disconnect() is called, or 10 s pass.
class SseReader {
 public:
  explicit SseReader(std::string url, std::vector<std::string> headers = {}, std::string ca_pem = "");
  ~SseReader();

  // True once the text received so far contains `needle` (waits up to `timeout`).
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the transfer has ended (waits up to `timeout`).
  bool wait_finished(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void disconnect();
  std::string text() const;
  long status() const;
  std::string content_type() const;
  std::string error() const;

 private:
  std::string url_;
  std::vector<std::string> headers_;
  std::string ca_pem_;
  mutable std::mutex mutex_;
  std::string text_;
  long status_ = 0;
  std::string content_type_;
  std::string error_;
  std::atomic<bool> finished_{false};
  std::atomic<bool> abort_{false};
  std::thread thread_;
};

// A plain TCP connection to 127.0.0.1:port.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Reads until the peer closes or `timeout`; what arrived.
  std::string read_until_closed(std::chrono::milliseconds timeout);
  // Reads until `needle` has arrived, the peer closes, or `timeout`.
  std::string read_until(const std::string& needle, std::chrono::milliseconds timeout);
  // True if the peer closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;
  bool peer_closed_ = false;
};

// Whether something accepts TCP connections on 127.0.0.1:port.
bool can_connect(std::uint16_t port);

}  // namespace pier::server::testing
