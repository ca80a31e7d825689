// Internal: the state an HttpServer shares with its connections. Not part of
// the public API.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "server/health.h"
#include "server/http_metrics.h"
#include "server/json_log.h"
#include "server/router.h"
#include "server/server_options.h"
#include "server/worker_pool.h"

namespace pier::server::detail {

// What the server asks of a live connection during a stop; both may be
// called from any thread (they hop onto the connection's strand).
class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  // Finish the current request (or end the event stream), then close.
  virtual void begin_shutdown() = 0;
  // Close now.
  virtual void force_close() = 0;
};

struct ServerCore {
  ServerCore(ServerOptions opts, Router& routes, std::shared_ptr<MetricsRegistry> registry, Logger log)
      : options(std::move(opts)),
        router(routes),
        metrics_registry(std::move(registry)),
        http_metrics(*metrics_registry),
        logger(log.for_component("server")),
        access_logger(log.for_component("http")),
        health(log.for_component("health")) {}

  const ServerOptions options;
  Router& router;
  std::shared_ptr<MetricsRegistry> metrics_registry;
  HttpMetrics http_metrics;
  Logger logger;
  Logger access_logger;
  Health health;
  WorkerPool* workers = nullptr;  // set by start(), lives until after every connection

  std::atomic<bool> stopping{false};
  std::stop_source deadline_passed;   // Request::stop
  std::string request_id_prefix;      // random per server, so ids from replicas do not collide
  std::atomic<std::uint64_t> next_request_id{1};
  std::atomic<std::uint64_t> next_connection_id{1};

  // Live connections, for stop().
  std::mutex mutex;
  std::condition_variable connections_changed;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionControl>> connections;

  void add_connection(std::uint64_t id, std::weak_ptr<ConnectionControl> connection) {
    std::lock_guard lock(mutex);
    connections.emplace(id, std::move(connection));
  }
  void remove_connection(std::uint64_t id) {
    {
      std::lock_guard lock(mutex);
      connections.erase(id);
    }
    connections_changed.notify_all();
  }
};

}  // namespace pier::server::detail
