// A raw HTTP server on 127.0.0.1 for the faults the real console (tests
// start it in-process or as `pier serve`) cannot be made to produce: a
// stream cut in the middle of an event, bytes written a few at a time so
// that one event spans several reads, CRLF line ends, silence, events
// repeated or a cursor that does not move, 503 then recovery, a slow or a
// non-JSON answer, a token echoed back. It is not a console: each test
// writes the few bytes its fault needs. Connections are served one after
// another, one request each; the script writes whatever bytes it likes, and
// the connection is closed (abruptly, if nothing ended the body) when it
// returns.
//
//   ScriptedHttpServer server([](int index, const std::string& head, ScriptedConnection& c) {
//     c.start_event_stream();
//     c.write_chunk("id: 1\r\ndata: {}\r\n\r\n");
//   });
//   client at server.url()
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pier::console_client::testing {

class ScriptedConnection {
 public:
  explicit ScriptedConnection(int fd) : fd_(fd) {}
  // Writes now (no delay coalescing); false once the client has gone.
  bool write(std::string_view bytes);
  // One HTTP/1.1 chunk: "<hex size>\r\n<bytes>\r\n".
  bool write_chunk(std::string_view bytes);
  // A whole answer with Content-Length and "Connection: close".
  bool respond(int status, std::string_view content_type, std::string_view body);
  // 200, text/event-stream, chunked: then write_chunk() per piece, end_chunks() to end the body.
  bool start_event_stream();
  bool end_chunks();

 private:
  int fd_;
};

class ScriptedHttpServer {
 public:
  // `index` counts connections from 0; `head` is the request line and headers.
  using Script = std::function<void(int index, const std::string& head, ScriptedConnection& connection)>;

  explicit ScriptedHttpServer(Script script);
  ~ScriptedHttpServer();

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> heads() const;  // every request head so far

 private:
  void serve();

  Script script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::thread thread_;
};

// The value of a header in a request head ("" when absent); the name in any case.
std::string header_value(const std::string& head, std::string_view name);
// The request line's target: "/api/v1/releases?limit=500".
std::string request_target(const std::string& head);

}  // namespace pier::console_client::testing
