#include "console_api_double.h"

namespace pier::testing {

using server::Access;
using server::Request;
using server::Response;
using server::Role;

ConsoleApiDouble::ConsoleApiDouble() {
  router_.set_authenticator([](std::string_view token) -> Result<server::Principal> {
    if (token != kToken) return fail(Error::make(ErrorCode::kDenied, "unknown token"));
    return server::Principal{.user = "alice", .role = Role::kAdmin};
  });
}

ConsoleApiDouble::~ConsoleApiDouble() { stop(); }

void ConsoleApiDouble::record(const Request& request) {
  RecordedRequest recorded;
  recorded.method = request.method;
  recorded.target = request.target;
  recorded.authorization = std::string(request.header("Authorization").value_or(""));
  recorded.last_event_id = std::string(request.last_event_id());
  recorded.accept = std::string(request.header("Accept").value_or(""));
  recorded.body = request.body;
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(recorded));
}

void ConsoleApiDouble::get(std::string_view pattern, server::Handler handler) {
  router_.get(
      pattern,
      [this, handler = std::move(handler)](const Request& request) {
        record(request);
        return handler(request);
      },
      Access::at_least(Role::kViewer));
}

void ConsoleApiDouble::post(std::string_view pattern, server::Handler handler) {
  router_.post(
      pattern,
      [this, handler = std::move(handler)](const Request& request) {
        record(request);
        return handler(request);
      },
      Access::at_least(Role::kViewer));
}

void ConsoleApiDouble::stream(std::string_view pattern, server::StreamHandler handler) {
  router_.stream(
      pattern,
      [this, handler = std::move(handler)](const Request& request, std::shared_ptr<server::SseStream> stream) {
        record(request);
        return handler(request, std::move(stream));
      },
      Access::at_least(Role::kViewer));
}

bool ConsoleApiDouble::start(std::optional<server::TlsFiles> tls) {
  server::ServerOptions options;
  options.tls = tls;
  https_ = tls.has_value();
  options.listen = "127.0.0.1:0";
  options.worker_threads = 4;
  options.sse_retry = std::chrono::milliseconds(20);  // reconnect tests need no real pause
  options.log_sink = std::make_shared<server::MemoryLogSink>();
  server_ = std::make_unique<server::HttpServer>(options, router_);
  auto port = server_->start();
  if (!port) return false;
  port_ = *port;
  return true;
}

void ConsoleApiDouble::stop() {
  if (server_) server_->stop(std::chrono::seconds(2));
}

std::string ConsoleApiDouble::url() const {
  return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<RecordedRequest> ConsoleApiDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<RecordedRequest> ConsoleApiDouble::requests_to(std::string_view prefix) const {
  std::vector<RecordedRequest> matching;
  for (auto& request : requests())
    if (request.target.starts_with(prefix)) matching.push_back(request);
  return matching;
}

nlohmann::json sample_revision(int revision, std::string_view status, std::string_view name) {
  return {{"cluster", "prod"},
          {"namespace", "shop"},
          {"name", name},
          {"revision", revision},
          {"app", "jetty"},
          {"app_version", "1.4." + std::to_string(revision)},
          {"status", status},
          {"user", "alice"},
          {"created_at", "2026-11-29T14:05:01.123Z"},
          {"finished_at", "2026-11-29T14:06:40.000Z"},
          {"message", "revision " + std::to_string(revision)},
          {"status_detail", status == "failed" ? "rollout timed out" : ""},
          {"operation", std::to_string(40 + revision)}};
}

nlohmann::json sample_release(std::string_view cluster, std::string_view name, int revision) {
  nlohmann::json release = sample_revision(revision, "deployed", name);
  release["cluster"] = cluster;
  release["deployed_revision"] = revision;
  release["active_operation"] = nullptr;
  return release;
}

nlohmann::json sample_operation(std::string_view id, std::string_view status, std::string_view message) {
  bool running = status == "running";
  return {{"id", id},
          {"kind", "upgrade"},
          {"cluster", "prod"},
          {"namespace", "shop"},
          {"name", "web"},
          {"user", "alice"},
          {"holder", "console-1"},
          {"status", status},
          {"started_at", "2026-11-29T14:05:01.123Z"},
          {"finished_at", running ? nlohmann::json(nullptr) : nlohmann::json("2026-11-29T14:06:40.000Z")},
          {"message", message},
          {"revision", 4}};
}

nlohmann::json sample_event(int seq, std::string_view type, std::string_view message) {
  return {{"seq", seq},
          {"time", "2026-11-29T14:05:0" + std::to_string(seq % 10) + ".000Z"},
          {"type", type},
          {"message", message}};
}

nlohmann::json sample_diff() {
  auto object = [](std::string_view kind, std::string_view name, std::string_view change, std::string_view diff) {
    return nlohmann::json{
        {"object",
         {{"group", kind == "Deployment" ? "apps" : ""}, {"kind", kind}, {"namespace", "shop"}, {"name", name}}},
        {"display", std::string(kind) + " shop/" + std::string(name)},
        {"change", change},
        {"diff", diff},
        {"note", ""}};
  };
  return {{"values",
           {{"changed_paths", {"/jetty/replicas"}},
            {"diff", "--- revision 3\n+++ revision 4\n@@ -2 +2 @@\n-  replicas: 2\n+  replicas: 4\n"}}},
          {"objects",
           {object("Deployment", "web", "changed",
                   "--- live\n+++ revision 4\n@@ -6 +6 @@\n-  replicas: 2\n+  replicas: 4\n"),
            object("Service", "web", "added", "+++ revision 4\n+kind: Service\n"),
            object("ConfigMap", "web", "unchanged", "")}},
          {"counts", {{"added", 1}, {"changed", 1}, {"removed", 0}, {"unchanged", 1}}}};
}

}  // namespace pier::testing
