// A stand-in for `pier serve` in the tests of its client and of the CLI
// commands that use it: a real HttpServer (pier_server) on 127.0.0.1 and a
// free port, whose routes each test writes, every request recorded, and one
// bearer token accepted (kToken) on every route.
//
//   ConsoleApiDouble api;
//   api.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions",
//           [](const server::Request&) { return server::Response::json(200, nlohmann::json::array()); });
//   ASSERT_TRUE(api.start());
//   ... client at api.url() with ConsoleApiDouble::kToken ...
//   api.requests()[0].target;   // "/api/v1/releases/prod/shop/web/revisions"
//
// The sample_* builders give the JSON shapes the real console sends.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_server.h"
#include "server/router.h"
#include "server/sse.h"

namespace pier::testing {

struct RecordedRequest {
  std::string method;
  std::string target;         // path and query, as sent (percent-encoded)
  std::string authorization;  // the header as sent
  std::string last_event_id;
  std::string accept;
  std::string body;
};

class ConsoleApiDouble {
 public:
  static constexpr std::string_view kToken = "pier_test_token_0123456789abcdef";

  ConsoleApiDouble();
  ~ConsoleApiDouble();

  // Routes that need the token (401 without it, as the console answers).
  void get(std::string_view pattern, server::Handler handler);
  void post(std::string_view pattern, server::Handler handler);
  void stream(std::string_view pattern, server::StreamHandler handler);

  // Small pools, short SSE retry, log kept in memory; HTTPS with `tls`.
  // Call once, after the routes.
  bool start(std::optional<server::TlsFiles> tls = std::nullopt);
  void stop();
  std::string url() const;
  std::uint16_t port() const { return port_; }

  std::vector<RecordedRequest> requests() const;
  // Requests whose target starts with `prefix`.
  std::vector<RecordedRequest> requests_to(std::string_view prefix) const;

 private:
  void record(const server::Request& request);

  server::Router router_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
  bool https_ = false;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

// {"cluster","namespace","name","revision","app","app_version","status","user","created_at",
//  "finished_at","message","status_detail","operation"}
nlohmann::json sample_revision(int revision, std::string_view status = "deployed", std::string_view name = "web");
// A Revision plus "deployed_revision" and "active_operation" (null).
nlohmann::json sample_release(std::string_view cluster, std::string_view name, int revision);
// {"id","kind","cluster","namespace","name","user","holder","status","started_at","finished_at","message","revision"}
nlohmann::json sample_operation(std::string_view id, std::string_view status, std::string_view message = "");
// {"seq","time","type","message"}
nlohmann::json sample_event(int seq, std::string_view type, std::string_view message);
// One changed value (/jetty/replicas), one changed Deployment, one added Service, one unchanged ConfigMap.
nlohmann::json sample_diff();

}  // namespace pier::testing
