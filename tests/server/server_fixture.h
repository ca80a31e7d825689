// A started HttpServer on 127.0.0.1 (a free port) with its log kept in
// memory, for tests that send real requests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/http_server.h"
#include "server/json_log.h"
#include "server/router.h"

namespace pier::server::testing {

class ServerTest : public ::testing::Test {
 protected:
  // Small pools and short timeouts: tests never wait for production defaults.
  ServerOptions test_options() {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.worker_threads = 4;
    options.log_sink = log_;
    return options;
  }

  void start(ServerOptions options) {
    server_ = std::make_unique<HttpServer>(std::move(options), router_);
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
  }
  void start() { start(test_options()); }

  void TearDown() override {
    if (server_) server_->stop(std::chrono::seconds(2));
  }

  std::string url(const std::string& path, const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::string log_text() const {
    std::string all;
    for (const auto& line : log_->lines()) all += line;
    return all;
  }

  std::shared_ptr<MemoryLogSink> log_ = std::make_shared<MemoryLogSink>();
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace pier::server::testing
