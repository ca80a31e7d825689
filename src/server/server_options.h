// Everything an HttpServer can be told, with the defaults a daemon gets.
//
//   ServerOptions options;
//   options.listen = "0.0.0.0:8443";
//   options.tls = TlsFiles{"/etc/pier/tls.crt", "/etc/pier/tls.key"};
//   options.worker_threads = 16;
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "server/json_log.h"
#include "server/metrics.h"

namespace pier::server {

// PEM files: the certificate chain (server certificate first) and its key.
struct TlsFiles {
  std::string certificate_file;
  std::string key_file;
};

struct ServerOptions {
  // "127.0.0.1:8080", "[::1]:0" (any free port: start() returns it), ":8080".
  std::string listen = "127.0.0.1:8080";
  // Threads doing network I/O; they never run handlers.
  int io_threads = 1;
  // Threads running handlers, which may block on the database or a cluster:
  // as many requests run at once as there are workers, the rest queue.
  int worker_threads = 8;
  // HTTPS (TLS 1.2 and 1.3) when set.
  std::optional<TlsFiles> tls;

  // Limits. A larger body gets 413, larger headers 431.
  std::size_t max_body_bytes = 8 << 20;
  std::size_t max_header_bytes = 16 << 10;
  // From a request's first byte to the end of its headers (and the TLS
  // handshake): a client trickling bytes (slowloris) is cut off after it.
  std::chrono::milliseconds header_timeout{10'000};
  // For the body once the headers are in.
  std::chrono::milliseconds body_timeout{30'000};
  // How long a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // For writing a response (or an SSE client that stopped reading).
  std::chrono::milliseconds write_timeout{30'000};
  bool keep_alive = true;

  // Server-Sent Events: a comment line after this long without an event
  // (proxies drop idle connections); the reconnect delay told to clients; how
  // much may wait for a slow client before its stream is dropped.
  std::chrono::milliseconds sse_keepalive{15'000};
  std::chrono::milliseconds sse_retry{3'000};
  std::size_t sse_max_queued_bytes = 1 << 20;

  // GET /healthz, /readyz and /metrics, public, added to the router.
  bool builtin_routes = true;
  // One access log line per request (see access_log.h).
  bool access_log = true;
  // Where the JSON log lines go (null: standard error) and from which level.
  std::shared_ptr<LogSink> log_sink;
  LogLevel log_level = LogLevel::kInfo;
  // The registry /metrics serves (null: the server makes one, with the
  // process metrics). A registry shared by several servers gets the process
  // metrics from whoever made it (add_process_metrics).
  std::shared_ptr<MetricsRegistry> metrics;
};

}  // namespace pier::server
