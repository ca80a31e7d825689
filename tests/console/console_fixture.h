// A real console in the test process: SQLite in a temporary directory (or a
// database on the test's own PostgreSQL), the bundled catalog, a gitops
// target "local", optionally the API server double's kubeconfig, and HTTP
// helpers that call it over loopback with the admin token or another.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "console/console.h"
#include "http_client.h"
#include "store/store.h"

namespace pier::console::testing {

using nlohmann::json;
namespace http = pier::server::testing;

inline std::filesystem::path make_temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("pier-console-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Reply {
  long status = 0;
  json body;
  std::string text;
};

class ConsoleUnderTest {
 public:
  struct Setup {
    std::string database;    // "" : SQLite in the data directory
    std::string kubeconfig;  // "" : no cluster
    std::chrono::milliseconds lease{3'000};
    std::chrono::milliseconds grace{5'000};
    std::optional<pier::server::TlsFiles> tls;  // HTTPS (call() does not trust it: use base() with a client)
  };

  explicit ConsoleUnderTest(Setup setup, std::filesystem::path dir = make_temp_dir("api"))
      : setup_(std::move(setup)), dir_(std::move(dir)) {
    start();
  }
  ~ConsoleUnderTest() {
    if (console_) console_->stop();
    console_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start() {
    ConsoleOptions options;
    options.data_dir = dir_ / "data";
    options.database = setup_.database;
    options.catalog_dir = PIER_SOURCE_DIR "/catalog";
    if (setup_.kubeconfig.empty()) options.use_kubeconfig = false;
    else options.kubeconfig = setup_.kubeconfig;
    options.gitops.push_back({.name = "local", .dir = dir_ / "gitops", .datacenter = ""});
    options.server.listen = "127.0.0.1:0";
    options.server.tls = setup_.tls;
    options.server.access_log = false;
    options.server.log_sink = std::make_shared<pier::server::MemoryLogSink>();
    options.lease_ttl = setup_.lease;
    options.shutdown_grace = setup_.grace;
    options.rollout.poll_interval = std::chrono::milliseconds(50);
    auto console = Console::open(options);
    ASSERT_TRUE(console) << console.error().describe();
    console_ = std::move(*console);
    auto port = console_->start();
    ASSERT_TRUE(port) << port.error().describe();
    base_ = std::string(setup_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(*port);
    admin_token_ = read_file(console_->admin_token_file());
    while (!admin_token_.empty() && admin_token_.back() == '\n') admin_token_.pop_back();
  }

  // Stops the console (deploys get the grace), keeping its data.
  void stop() {
    console_->stop();
    console_.reset();
  }
  void restart() {
    if (console_) stop();
    start();
  }

  Reply call(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& token = "<admin>") const {
    http::ClientRequest request;
    request.method = method;
    request.url = base_ + "/api/v1" + path;
    request.timeout_ms = 15'000;
    std::string bearer = token == "<admin>" ? admin_token_ : token;
    if (!bearer.empty()) request.headers.push_back("Authorization: Bearer " + bearer);
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers.push_back("Content-Type: application/json");
    }
    auto response = http::send(request);
    Reply reply{response.status, nullptr, response.body};
    if (!response.body.empty()) reply.body = json::parse(response.body, nullptr, false);
    return reply;
  }

  // Waits (bounded) until the operation has ended; returns it with its events.
  json wait_operation(const std::string& id, std::chrono::seconds limit = std::chrono::seconds(20)) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      Reply reply = call("GET", "/operations/" + id);
      if (reply.status == 200 && reply.body["status"] != "running") return reply.body;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "operation " << id << " still running: " << reply.text;
        return reply.body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }

  // A token of a new user with this role and scopes.
  std::string token_for(const std::string& user, const std::string& role, const json& scopes = json::array()) const {
    Reply reply = call("POST", "/tokens", {{"user", user}, {"role", role}, {"scopes", scopes}});
    EXPECT_EQ(reply.status, 201) << reply.text;
    return reply.body.value("token", "");
  }

  const std::string& base() const { return base_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path gitops_dir() const { return dir_ / "gitops"; }
  std::filesystem::path database_file() const { return dir_ / "data" / "pier.db"; }
  // The database URL a second replica (or the test itself) would open.
  std::string database_url() const { return setup_.database.empty() ? database_file().string() : setup_.database; }

 private:
  Setup setup_;
  std::filesystem::path dir_;
  std::unique_ptr<Console> console_;
  std::string base_;
  std::string admin_token_;
};

inline json jetty_values(const std::string& version = "2.3.1", int replicas = 2) {
  return {{"jetty", {{"image", "hello-web"}, {"version", version}, {"replicas", replicas}}}};
}

inline json deploy_body(const json& values, json extra = json::object()) {
  json body = {{"app", "jetty"}, {"values", values}};
  body.update(extra);
  return body;
}

}  // namespace pier::console::testing
