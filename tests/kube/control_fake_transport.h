// A small in-memory API server behind the Transport interface, for the
// control layer's tests: enough of Kubernetes for leader election and
// rollout waits. It serves legacy discovery for a fixed set of kinds, get,
// list (fieldSelector metadata.name, equality label selectors), create,
// replace with resourceVersion conflicts (409), and watches scripted by the
// test.
//
//   ControlFakeClock clock;
//   auto server = std::make_shared<ControlFakeTransport>(&clock);
//   server->store(deployment);                               // resourceVersion assigned
//   server->script_watch({.steps = {{.after = 5s, .object = progressed}}});
//   Client client(server, "test");
//
// A watch without a script sends nothing and ends, as a server ends a watch
// after its timeoutSeconds (the clock moves on by that much).
#pragma once

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control_fake_clock.h"
#include "kube/transport.h"

namespace pier::kube::testing {

class ControlFakeTransport final : public Transport {
 public:
  struct WatchStep {
    std::chrono::milliseconds after{0};  // the clock moves on by this much first
    nlohmann::json object;               // stored; sent when the watch selects it
    std::string type = "MODIFIED";       // or "DELETED" (removed from the store)
  };
  enum class WatchEnd {
    kTimeout,  // the server ends the watch at timeoutSeconds
    kDrop,     // the connection drops after the steps
    kGone,     // 410 Gone at once (the resourceVersion is too old); no steps
  };
  struct WatchSession {
    std::vector<WatchStep> steps;
    WatchEnd end = WatchEnd::kTimeout;
  };

  explicit ControlFakeTransport(ControlFakeClock* clock = nullptr) : clock_(clock) {}

  // Creates or overwrites an object, as another client would; a new
  // resourceVersion (and uid, creationTimestamp) is assigned. Returns it.
  nlohmann::json store(nlohmann::json object) {
    std::lock_guard lock(mutex_);
    return store_locked(std::move(object));
  }

  std::optional<nlohmann::json> stored(std::string_view kind, std::string_view namespace_name,
                                       std::string_view name) const {
    std::lock_guard lock(mutex_);
    const Kind* k = kind_named(kind);
    if (k == nullptr) return std::nullopt;
    auto it = objects_.find(key(*k, namespace_name, name));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }

  void script_watch(WatchSession session) {
    std::lock_guard lock(mutex_);
    watches_.push_back(std::move(session));
  }

  // The next `times` requests whose method is `method` and whose path
  // contains `path_part` get `status` (a Status body).
  void fail_next(std::string method, std::string path_part, int status, int times = 1) {
    std::lock_guard lock(mutex_);
    failures_.push_back({std::move(method), std::move(path_part), status, times});
  }

  // Runs before each request is served, outside the server's lock: lets a
  // test make another client act between a read and a write.
  std::function<void(const HttpRequest&)> before_request;

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int count(std::string_view method, std::string_view path_part) const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const HttpRequest& r) {
      return r.method == method && r.path.find(path_part) != std::string::npos;
    }));
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    if (before_request) before_request(request);
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (auto failure = injected_failure_locked(request)) return *failure;
    return serve_locked(request);
  }

  Result<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view chunk)>& on_data,
                              std::stop_token stop) override {
    if (before_request) before_request(request);
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    if (auto failure = injected_failure_locked(request)) return *failure;
    Path path = parse_path(request.path);
    if (path.kind == nullptr || !path.name.empty()) return reply(404, status_body(404, "NotFound", "not found"));
    WatchSession session;
    if (!watches_.empty()) {
      session = std::move(watches_.front());
      watches_.pop_front();
    }
    if (session.end == WatchEnd::kGone) return reply(410, status_body(410, "Expired", "too old resource version"));

    const auto started = clock_ != nullptr ? clock_->now() : std::chrono::steady_clock::time_point{};
    const std::string wanted_name = field_selector_name(path.query);
    for (WatchStep& step : session.steps) {
      if (stop.stop_requested()) return reply(200, nlohmann::json::object());
      if (clock_ != nullptr) clock_->advance(step.after);
      nlohmann::json sent;
      if (step.type == "DELETED") {
        sent = step.object;
        objects_.erase(object_key(step.object));
      } else {
        sent = store_locked(step.object);
      }
      const Kind* kind = kind_named(sent.value("kind", ""));
      bool selected = kind == path.kind && (path.namespace_name.empty() || namespace_of(sent) == path.namespace_name) &&
                      (wanted_name.empty() || name_of(sent) == wanted_name);
      if (!selected) continue;
      std::string line = nlohmann::json{{"type", step.type}, {"object", sent}}.dump() + "\n";
      lock.unlock();
      bool more = on_data(line);
      lock.lock();
      if (!more) return reply(200, nlohmann::json::object());
    }
    if (session.end == WatchEnd::kDrop)
      return std::unexpected(Error::make(ErrorCode::kUnavailable, "fake: connection reset by peer", Retry::kYes));
    if (clock_ != nullptr) {
      auto ends = started + std::chrono::seconds(query_int(path.query, "timeoutSeconds"));
      if (ends > clock_->now()) clock_->advance(ends - clock_->now());
    }
    return reply(200, nlohmann::json::object());
  }

  std::string describe() const override { return "fake API server"; }

  static nlohmann::json status_body(int code, std::string reason, std::string message) {
    return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason},
            {"code", code}};
  }

 private:
  struct Kind {
    std::string group, version, kind, plural;
    bool namespaced = true;
    std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  };
  static const std::vector<Kind>& kinds() {
    static const std::vector<Kind> table = {
        {"", "v1", "Pod", "pods"},
        {"", "v1", "Namespace", "namespaces", false},
        {"apps", "v1", "Deployment", "deployments"},
        {"apps", "v1", "StatefulSet", "statefulsets"},
        {"apps", "v1", "DaemonSet", "daemonsets"},
        {"apps", "v1", "ReplicaSet", "replicasets"},
        {"apps", "v1", "ControllerRevision", "controllerrevisions"},
        {"coordination.k8s.io", "v1", "Lease", "leases"},
    };
    return table;
  }
  static const Kind* kind_named(std::string_view kind) {
    for (const Kind& k : kinds())
      if (k.kind == kind) return &k;
    return nullptr;
  }

  struct Path {
    std::string discovery;  // "/api", "/apis/apps/v1", ... when a discovery document
    const Kind* kind = nullptr;
    std::string namespace_name;
    std::string name;
    std::map<std::string, std::string> query;
  };

  static std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += text[i] == '+' ? ' ' : text[i];
      }
    }
    return out;
  }

  static std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find(separator, start);
      if (end == std::string_view::npos) end = text.size();
      parts.emplace_back(text.substr(start, end - start));
      start = end + 1;
    }
    return parts;
  }

  static Path parse_path(std::string_view full) {
    Path path;
    auto question = full.find('?');
    std::string_view route = full.substr(0, question);
    if (question != std::string_view::npos) {
      for (const std::string& pair : split(full.substr(question + 1), '&')) {
        auto equals = pair.find('=');
        if (equals == std::string::npos) continue;
        path.query[percent_decode(pair.substr(0, equals))] = percent_decode(pair.substr(equals + 1));
      }
    }
    std::vector<std::string> parts = split(route.substr(1), '/');
    std::string group, version;
    std::size_t rest = 0;
    if (parts[0] == "api" && parts.size() <= 2) {
      path.discovery = std::string(route);
      return path;
    }
    if (parts[0] == "apis" && parts.size() <= 3) {
      path.discovery = std::string(route);
      return path;
    }
    if (parts[0] == "api") {
      version = parts[1];
      rest = 2;
    } else {
      group = parts[1];
      version = parts[2];
      rest = 3;
    }
    if (rest + 1 < parts.size() && parts[rest] == "namespaces" && rest + 2 < parts.size()) {
      path.namespace_name = parts[rest + 1];
      rest += 2;
    }
    if (rest >= parts.size()) return path;
    for (const Kind& k : kinds())
      if (k.group == group && k.version == version && k.plural == parts[rest]) path.kind = &k;
    if (rest + 1 < parts.size()) path.name = parts[rest + 1];
    return path;
  }

  static std::string name_of(const nlohmann::json& object) {
    return object.contains("metadata") ? object["metadata"].value("name", "") : "";
  }
  static std::string namespace_of(const nlohmann::json& object) {
    return object.contains("metadata") ? object["metadata"].value("namespace", "") : "";
  }
  static std::string key(const Kind& kind, std::string_view namespace_name, std::string_view name) {
    return kind.plural + "/" + std::string(namespace_name) + "/" + std::string(name);
  }
  static std::string object_key(const nlohmann::json& object) {
    const Kind* kind = kind_named(object.value("kind", ""));
    return kind == nullptr ? "?" : key(*kind, namespace_of(object), name_of(object));
  }
  static std::string field_selector_name(const std::map<std::string, std::string>& query) {
    auto it = query.find("fieldSelector");
    if (it == query.end()) return "";
    const std::string prefix = "metadata.name=";
    return it->second.rfind(prefix, 0) == 0 ? it->second.substr(prefix.size()) : "";
  }
  static int query_int(const std::map<std::string, std::string>& query, const std::string& name) {
    auto it = query.find(name);
    return it == query.end() ? 0 : std::stoi(it->second);
  }
  static bool labels_match(const nlohmann::json& object, const std::string& selector) {
    if (selector.empty()) return true;
    const nlohmann::json* labels = nullptr;
    if (object.contains("metadata") && object["metadata"].contains("labels")) labels = &object["metadata"]["labels"];
    for (const std::string& term : split(selector, ',')) {
      auto equals = term.find('=');
      std::string label = term.substr(0, equals), value = term.substr(equals + 1);
      if (labels == nullptr || labels->value(label, "\x01") != value) return false;
    }
    return true;
  }

  static HttpResponse reply(int status, const nlohmann::json& body) {
    HttpResponse response;
    response.status = status;
    response.body = body.dump();
    response.headers = {{"content-type", "application/json"}};
    return response;
  }

  nlohmann::json store_locked(nlohmann::json object) {
    auto& metadata = object["metadata"];
    if (!metadata.contains("uid")) metadata["uid"] = "uid-" + std::to_string(++uids_);
    if (!metadata.contains("creationTimestamp")) metadata["creationTimestamp"] = "2026-11-29T11:27:03Z";
    metadata["resourceVersion"] = std::to_string(++resource_version_);
    objects_[object_key(object)] = object;
    return object;
  }

  std::optional<HttpResponse> injected_failure_locked(const HttpRequest& request) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      if (it->method != request.method || request.path.find(it->path_part) == std::string::npos) continue;
      int status = it->status;
      if (--it->times == 0) failures_.erase(it);
      return reply(status, status_body(status, "Injected", "injected failure " + std::to_string(status)));
    }
    return std::nullopt;
  }

  nlohmann::json discovery_document(const std::string& route) const {
    if (route == "/api") return {{"kind", "APIVersions"}, {"versions", {"v1"}}};
    if (route == "/apis") {
      nlohmann::json groups = nlohmann::json::array();
      for (const char* group : {"apps", "coordination.k8s.io"})
        groups.push_back({{"name", group},
                          {"versions", {{{"groupVersion", std::string(group) + "/v1"}, {"version", "v1"}}}},
                          {"preferredVersion", {{"groupVersion", std::string(group) + "/v1"}, {"version", "v1"}}}});
      return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
    }
    nlohmann::json resources = nlohmann::json::array();
    std::string group_version = route == "/api/v1" ? "v1" : route.substr(std::string("/apis/").size());
    for (const Kind& k : kinds()) {
      if (k.api_version() != group_version) continue;
      resources.push_back({{"name", k.plural},
                           {"kind", k.kind},
                           {"namespaced", k.namespaced},
                           {"verbs", {"get", "list", "watch", "create", "update", "delete"}}});
    }
    return {{"kind", "APIResourceList"}, {"groupVersion", group_version}, {"resources", resources}};
  }

  HttpResponse serve_locked(const HttpRequest& request) {
    Path path = parse_path(request.path);
    if (!path.discovery.empty()) {
      nlohmann::json document = discovery_document(path.discovery);
      if (document.value("kind", "") == "APIResourceList" && document["resources"].empty())
        return reply(404, status_body(404, "NotFound", "the server could not find the requested resource"));
      return reply(200, document);
    }
    if (path.kind == nullptr) return reply(404, status_body(404, "NotFound", "no such resource"));
    const Kind& kind = *path.kind;
    const std::string resource = kind.group.empty() ? kind.plural : kind.plural + "." + kind.group;

    if (request.method == "GET" && !path.name.empty()) {
      auto it = objects_.find(key(kind, path.namespace_name, path.name));
      if (it == objects_.end())
        return reply(404, status_body(404, "NotFound", resource + " \"" + path.name + "\" not found"));
      return reply(200, it->second);
    }
    if (request.method == "GET") {
      nlohmann::json items = nlohmann::json::array();
      const std::string wanted_name = field_selector_name(path.query);
      const std::string selector = path.query.count("labelSelector") ? path.query.at("labelSelector") : "";
      for (const auto& [object_key_text, object] : objects_) {
        if (object.value("kind", "") != kind.kind) continue;
        if (!path.namespace_name.empty() && namespace_of(object) != path.namespace_name) continue;
        if (!wanted_name.empty() && name_of(object) != wanted_name) continue;
        if (!labels_match(object, selector)) continue;
        items.push_back(object);
      }
      return reply(200, {{"kind", kind.kind + "List"},
                         {"apiVersion", kind.api_version()},
                         {"metadata", {{"resourceVersion", std::to_string(resource_version_)}}},
                         {"items", items}});
    }
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (request.method == "POST") {
      if (objects_.count(object_key(body)))
        return reply(409, status_body(409, "AlreadyExists", resource + " \"" + name_of(body) + "\" already exists"));
      body["metadata"].erase("resourceVersion");
      return reply(201, store_locked(std::move(body)));
    }
    if (request.method == "PUT") {
      auto it = objects_.find(key(kind, path.namespace_name, path.name));
      if (it == objects_.end())
        return reply(404, status_body(404, "NotFound", resource + " \"" + path.name + "\" not found"));
      std::string sent_version = body["metadata"].value("resourceVersion", "");
      if (!sent_version.empty() && sent_version != it->second["metadata"].value("resourceVersion", ""))
        return reply(409, status_body(409, "Conflict",
                                      "Operation cannot be fulfilled on " + resource + " \"" + path.name +
                                          "\": the object has been modified; please apply your changes to the "
                                          "latest version and try again"));
      body["metadata"]["uid"] = it->second["metadata"]["uid"];
      body["metadata"]["creationTimestamp"] = it->second["metadata"]["creationTimestamp"];
      return reply(200, store_locked(std::move(body)));
    }
    return reply(405, status_body(405, "MethodNotAllowed", "not supported by the fake"));
  }

  struct Failure {
    std::string method, path_part;
    int status;
    int times;
  };

  ControlFakeClock* clock_;
  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> objects_;
  std::deque<WatchSession> watches_;
  std::vector<Failure> failures_;
  std::vector<HttpRequest> requests_;
  long long resource_version_ = 100;
  long long uids_ = 0;
};

}  // namespace pier::kube::testing
