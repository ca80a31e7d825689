// A minimal daemon on pier_server, for the SIGTERM test and for load tests:
//   demo_daemon [--listen 127.0.0.1:0] [--io-threads N] [--workers N] [--no-access-log]
// Prints "port <n>" on stdout once listening; stops gracefully on SIGTERM or
// SIGINT and exits 0. Routes: GET /api/v1/ping (a small JSON document),
// GET /slow (answers after 300 ms).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "server/http_server.h"
#include "server/signals.h"

using namespace pier::server;

int main(int argc, char** argv) {
  TerminationSignals signals;  // first, before any thread starts
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) options.listen = argv[++i];
    else if (arg == "--io-threads" && i + 1 < argc) options.io_threads = std::atoi(argv[++i]);
    else if (arg == "--workers" && i + 1 < argc) options.worker_threads = std::atoi(argv[++i]);
    else if (arg == "--no-access-log") options.access_log = false;
  }

  Router router;
  router.get("/api/v1/ping", [](const Request&) {
    return Response::json(200, {{"status", "ok"}, {"releases", {{{"name", "web"}, {"namespace", "shop"}, {"revision", 7}}}}});
  }, Access::anyone());
  router.get("/slow", [](const Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Response::text(200, "slow done");
  }, Access::anyone());

  HttpServer server(options, router);
  auto port = server.start();
  if (!port) {
    std::fprintf(stderr, "demo_daemon: %s\n", port.error().message.c_str());
    return 1;
  }
  std::printf("port %u\n", static_cast<unsigned>(*port));
  std::fflush(stdout);
  signals.wait();
  server.stop(std::chrono::seconds(5));
  return 0;
}
