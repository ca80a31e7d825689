// The HTTP server of the console and of every Pier daemon: a Router's routes
// over HTTP/1.1 (HTTPS when given a certificate), handlers on a worker pool,
// keep-alive, limits and timeouts, /healthz, /readyz, /metrics, JSON access
// logs, and a graceful stop.
//
//   Router router;
//   router.get("/api/v1/releases", list_releases, Access::at_least(Role::kViewer));
//   ServerOptions options;
//   options.listen = "0.0.0.0:8080";
//   HttpServer server(options, router);
//   server.health().add_check("database", [&] { return store.ping(); });
//   auto port = server.start();                 // errors: address in use, bad certificate, ...
//   if (!port) return fail(port.error());
//   TerminationSignals signals;
//   signals.wait();
//   server.stop(std::chrono::seconds(20));      // in-flight requests finish; streams end
//
// Threads: `io_threads` do all network I/O and never run handlers;
// `worker_threads` run handlers (which may block). A handler's Response is
// written back by the I/O threads.
//
// stop(grace): /readyz turns 503, the listening socket closes (new
// connections are refused), idle keep-alive connections close, requests in
// progress finish and are answered with `Connection: close`, event streams
// end cleanly. When `grace` runs out, Request::stop is requested and every
// remaining connection is closed; stop() then returns. A handler still
// running is waited for by the destructor (handlers should watch
// Request::stop when they may run long).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/error.h"
#include "server/health.h"
#include "server/json_log.h"
#include "server/metrics.h"
#include "server/router.h"
#include "server/server_options.h"

namespace pier::server {

class HttpServer {
 public:
  // `router` must outlive the server; with builtin_routes the server adds
  // GET /healthz, /readyz and /metrics to it (public).
  HttpServer(ServerOptions options, Router& router);
  ~HttpServer();  // stop(0) if running, then waits for handlers still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; returns the bound port. Once per server.
  // kInvalidInput: a malformed address, unreadable certificate or key;
  // kConflict: the address is in use; kDenied: no permission for the port.
  Result<std::uint16_t> start();
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  bool running() const;
  std::uint16_t port() const;
  std::size_t open_connections() const;

  MetricsRegistry& metrics();
  Health& health();
  const Logger& logger() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pier::server
