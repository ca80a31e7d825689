#include "server/http_server.h"

#include <pthread.h>

#include <atomic>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "server/connection.h"
#include "server/listen_address.h"
#include "server/process_metrics.h"
#include "server/server_core.h"
#include "server/tls_context.h"

namespace pier::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// After a failed accept (out of descriptors, say), wait this long before the
// next one instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// After force-closing at the deadline, how long the I/O threads get to finish closing.
constexpr std::chrono::milliseconds kCloseSettleTime{200};

std::shared_ptr<MetricsRegistry> registry_for(const ServerOptions& options) {
  if (options.metrics) return options.metrics;
  auto registry = std::make_shared<MetricsRegistry>();
  add_process_metrics(*registry);
  return registry;
}

Logger logger_for(const ServerOptions& options) {
  std::shared_ptr<LogSink> sink = options.log_sink ? options.log_sink : std::make_shared<StderrLogSink>();
  return Logger(std::move(sink), "server", options.log_level);
}

std::string random_request_id_prefix() {
  std::random_device random;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x-", random());
  return buffer;
}

Error bind_error(const ListenAddress& address, const error_code& ec) {
  std::string where = "listen " + address.to_string() + ": ";
  if (ec == asio::error::address_in_use) return Error::make(ErrorCode::kConflict, where + "address already in use");
  if (ec == asio::error::access_denied)
    return Error::make(ErrorCode::kDenied, where + "permission denied (ports below 1024 need privileges)");
  if (ec == boost::system::errc::address_not_available) return Error::invalid(where + "not an address of this machine");
  return Error::make(ErrorCode::kUnavailable, where + ec.message());
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, Router& router)
      : core(options, router, registry_for(options), logger_for(options)), io(std::max(1, options.io_threads)) {}

  // Declaration order is destruction order reversed: the workers (whose
  // tasks hold connections) go first, then the I/O context (whose pending
  // handlers hold connections), then the TLS context the connections used,
  // then the state they all point to.
  detail::ServerCore core;
  std::unique_ptr<asio::ssl::context> tls;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  std::unique_ptr<WorkerPool> workers;
  std::atomic<bool> running{false};
  bool started = false;
  std::uint16_t port = 0;

  void accept_next() {
    acceptor->async_accept(asio::make_strand(io), [this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
      if (ec) {
        core.logger.warn("accept failed", {{"error", ec.message()}});
        accept_retry->expires_after(kAcceptRetryDelay);
        accept_retry->async_wait([this](const error_code& wait_error) {
          if (!wait_error && acceptor->is_open()) accept_next();
        });
        return;
      }
      if (core.stopping) return;  // the socket closes as it goes out of scope
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // responses are small writes: do not wait to fill packets
      if (tls) {
        detail::start_tls_connection(core, std::move(socket), *tls);
      } else {
        detail::start_plain_connection(core, std::move(socket));
      }
      accept_next();
    });
  }

  // Calls `what` on every live connection.
  template <class Function>
  void for_each_connection(Function what) {
    std::vector<std::shared_ptr<detail::ConnectionControl>> live;
    {
      std::lock_guard lock(core.mutex);
      for (auto& [id, weak] : core.connections)
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    for (auto& connection : live) what(*connection);
    // `live` may hold the last references: they are dropped here, outside the lock.
  }

  bool wait_for_no_connections(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(core.mutex);
    return core.connections_changed.wait_until(lock, deadline, [&] { return core.connections.empty(); });
  }
};

HttpServer::HttpServer(ServerOptions options, Router& router) : impl_(std::make_unique<Impl>(std::move(options), router)) {
  impl_->core.request_id_prefix = random_request_id_prefix();
  if (impl_->core.options.builtin_routes) {
    Health* health = &impl_->core.health;
    MetricsRegistry* metrics = impl_->core.metrics_registry.get();
    router.get("/healthz", [health](const Request& request) { return health->healthz(request); }, Access::anyone());
    router.get("/readyz", [health](const Request& request) { return health->readyz(request); }, Access::anyone());
    router.get("/metrics", [metrics](const Request&) {
      return Response::text(200, metrics->expose(), kMetricsContentType);
    }, Access::anyone());
  }
}

HttpServer::~HttpServer() {
  stop(std::chrono::milliseconds(0));
  if (impl_->workers) {
    impl_->workers->stop();
    impl_->workers->join();
  }
}

Result<std::uint16_t> HttpServer::start() {
  Impl& impl = *impl_;
  if (impl.started) return fail(Error::internal("HttpServer::start called twice"));
  const ServerOptions& options = impl.core.options;

  auto address = parse_listen_address(options.listen);
  if (!address) return fail(address.error());
  if (options.tls) {
    auto context = make_tls_server_context(*options.tls);
    if (!context) return fail(context.error());
    impl.tls = std::move(*context);
  }

  error_code ec;
  asio::ip::address ip = asio::ip::make_address(address->host, ec);
  if (ec) return fail(Error::invalid("listen " + options.listen + ": " + ec.message()));
  tcp::endpoint endpoint(ip, address->port);
  tcp::acceptor acceptor(asio::make_strand(impl.io));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);  // restart while old sockets linger
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(bind_error(*address, ec));
  impl.port = acceptor.local_endpoint(ec).port();
  impl.acceptor.emplace(std::move(acceptor));
  impl.accept_retry.emplace(impl.acceptor->get_executor());

  impl.started = true;
  impl.workers = std::make_unique<WorkerPool>(options.worker_threads, "pier-http-work");
  impl.core.workers = impl.workers.get();
  impl.work.emplace(impl.io.get_executor());
  asio::post(impl.acceptor->get_executor(), [&impl] { impl.accept_next(); });
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl.io_threads.emplace_back([&impl] { impl.io.run(); });
    pthread_setname_np(impl.io_threads.back().native_handle(), "pier-http-io");
  }
  impl.running = true;

  ListenAddress bound = *address;
  bound.port = impl.port;
  impl.core.logger.info("listening", {{"address", bound.to_string()}, {"tls", options.tls.has_value()}});
  return impl.port;
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  Impl& impl = *impl_;
  if (!impl.running.exchange(false)) return;
  auto deadline = std::chrono::steady_clock::now() + grace;
  impl.core.logger.info("stopping", {{"grace_ms", static_cast<long long>(grace.count())}});

  impl.core.stopping = true;
  impl.core.health.set_shutting_down();
  // The listening socket closes on its own strand; wait for it, so that the
  // port refuses connections before stop() goes on (with no connection open,
  // the I/O threads would otherwise be stopped before the close ran, leaving a
  // port that accepts and never answers).
  auto acceptor_closed = std::make_shared<std::promise<void>>();
  auto acceptor_closed_future = acceptor_closed->get_future();
  asio::post(impl.acceptor->get_executor(), [&impl, acceptor_closed] {
    error_code ignored;
    impl.acceptor->close(ignored);
    impl.accept_retry->cancel();
    acceptor_closed->set_value();
  });
  acceptor_closed_future.wait_for(kCloseSettleTime);
  impl.for_each_connection([](detail::ConnectionControl& connection) { connection.begin_shutdown(); });

  bool drained = impl.wait_for_no_connections(deadline);
  if (!drained) {
    impl.core.deadline_passed.request_stop();
    std::size_t left = open_connections();
    impl.core.logger.warn("stop deadline passed; closing connections", {{"connections", left}});
    impl.for_each_connection([](detail::ConnectionControl& connection) { connection.force_close(); });
    impl.wait_for_no_connections(std::chrono::steady_clock::now() + kCloseSettleTime);
  }

  impl.workers->stop();
  impl.work.reset();
  impl.io.stop();
  for (auto& thread : impl.io_threads) thread.join();
  impl.io_threads.clear();
  if (impl.acceptor->is_open()) {  // the posted close did not get to run: no I/O thread is left to race with
    error_code ignored;
    impl.acceptor->close(ignored);
  }
  // Handlers still running past the deadline are joined by the destructor.
  if (impl.workers->busy() == 0) impl.workers->join();
  impl.core.logger.info("stopped", {});
}

bool HttpServer::running() const { return impl_->running; }

std::uint16_t HttpServer::port() const { return impl_->port; }

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->core.mutex);
  return impl_->core.connections.size();
}

MetricsRegistry& HttpServer::metrics() { return *impl_->core.metrics_registry; }

Health& HttpServer::health() { return impl_->core.health; }

const Logger& HttpServer::logger() const { return impl_->core.logger; }

}  // namespace pier::server
