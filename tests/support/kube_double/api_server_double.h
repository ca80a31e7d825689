// A Kubernetes API server double for tests: HTTPS on 127.0.0.1 with its own
// CA, the REST API of the kinds tests use (built-in and from CRDs) with
// kube-apiserver's documented semantics (resourceVersion, watch with
// bookmarks and 410 Gone, paginated lists, Status errors, server-side apply
// with managedFields), and hooks to seed state and inject faults. The same
// client code runs against it and against a real cluster; README.md lists
// what it reproduces and what it does not.
//
//   #include "api_server_double.h"   // link pier_kube_double
//
//   pier::testing::ApiServerDouble api;  // listening once constructed
//   api.put({{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
//            {"metadata", {{"name", "web"}, {"namespace", "default"}}}, {"spec", {{"replicas", 3}}}});
//   auto transport = make_transport(api.kubeconfig_path());   // context "double", bearer token
//   ...
//   api.set_status("apps/v1", "Deployment", "default", "web", {{"observedGeneration", 1}, {"readyReplicas", 3}});
//   api.fail_next(2, 429, 1);     // the next two requests: 429 with Retry-After: 1
//   api.cut_watches();            // every open watch dies mid-event
//   api.compact();                // older resourceVersions now get 410
//
// Thread-safe: tests drive it from any thread while it serves on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_pki.h"

namespace pier::testing {

namespace kube_double {
class ResourceCatalog;
class ObjectStore;
class WatchHub;
class RestOperations;
class Authenticator;
class FaultInjector;
class Router;
class HttpsServer;
struct ResourceType;
}  // namespace kube_double

struct DoubleOptions {
  std::string token = "test-token";  // the admin bearer token the kubeconfig carries
  // Authenticates as user "no-rights", who may read /version, health and
  // discovery and gets 403 for everything else. "" disables it.
  std::string no_rights_token = "no-rights-token";
  // false: requests without any credential act as an admin (handy with curl).
  bool require_authentication = true;
  // Where ca.crt and kubeconfig are written; "" = a new temporary directory,
  // removed by the destructor.
  std::string dir;
  // Revisions of history kept for watch replay and continue tokens; older
  // ones get 410 Expired. 0 = never compact unless compact() is called.
  int64_t compaction_window = 10'000;
  std::chrono::milliseconds bookmark_interval{1000};
  // Live events a watch may have queued before the server closes it.
  size_t watch_queue_limit = 10'000;
  // How long a watch without timeoutSeconds lasts.
  int default_watch_timeout_seconds = 1800;
  uint16_t port = 0;  // 0 = any free port
};

class ApiServerDouble {
 public:
  explicit ApiServerDouble(DoubleOptions options = {});
  ~ApiServerDouble();
  ApiServerDouble(const ApiServerDouble&) = delete;
  ApiServerDouble& operator=(const ApiServerDouble&) = delete;

  std::string url() const;  // https://127.0.0.1:PORT
  uint16_t port() const;
  const std::string& ca_pem() const;
  std::string ca_file() const;
  // A kubeconfig whose only context, "double" (namespace default), trusts the
  // CA file and carries the admin token.
  std::string kubeconfig_path() const;
  const std::string& token() const { return options_.token; }
  // Issues client certificates the double accepts (CN = user, O = group).
  TestPki& pki() { return *pki_; }

  // ---- State, without HTTP (no field management, no admission) ----
  // Creates or replaces: sets uid and creationTimestamp (kept on replace),
  // generation (bumped on spec changes for kinds that track it), a new
  // resourceVersion, and emits ADDED/MODIFIED. Keeps status as given. A
  // missing namespace is created. Throws std::invalid_argument for an
  // object without apiVersion, kind or name, or of a kind not served.
  nlohmann::json put(const nlohmann::json& object);
  std::optional<nlohmann::json> get(std::string_view api_version, std::string_view kind,
                                    std::string_view namespace_name, std::string_view name) const;
  std::vector<nlohmann::json> list(std::string_view api_version, std::string_view kind,
                                   std::string_view namespace_name = "") const;
  // Deletes at once (finalizers ignored); false when absent.
  bool remove(std::string_view api_version, std::string_view kind, std::string_view namespace_name,
              std::string_view name);
  // Replaces status (as a controller writing /status would) and returns the
  // object. Throws std::invalid_argument when the object does not exist.
  nlohmann::json set_status(std::string_view api_version, std::string_view kind, std::string_view namespace_name,
                            std::string_view name, const nlohmann::json& status);
  // The store's current revision (the resourceVersion of the last write).
  int64_t resource_version() const;

  // ---- Faults ----
  // Forgets all history: watches and list continuations from any earlier
  // resourceVersion get 410 Expired.
  void compact();
  // The next `count` requests (any path) fail with `http_status` and a Status
  // body; 429 and 503 carry Retry-After when given.
  void fail_next(int count, int http_status, std::optional<int> retry_after_seconds = std::nullopt);
  // Drops every open watch connection without ending its stream, after half
  // an event line when mid_event.
  void cut_watches(bool mid_event = true);
  // Every request waits this long before it is served.
  void set_latency(std::chrono::milliseconds latency);

  // ---- Observation ----
  size_t request_count() const;
  // "METHOD /path?query" for every request, in arrival order.
  std::vector<std::string> request_log() const;
  void clear_request_log();
  size_t open_watch_count() const;

 private:
  std::shared_ptr<const kube_double::ResourceType> type_of(std::string_view api_version, std::string_view kind) const;
  void write_files();

  DoubleOptions options_;
  bool owns_dir_ = false;
  std::unique_ptr<TestPki> pki_;
  std::unique_ptr<kube_double::ResourceCatalog> catalog_;
  std::unique_ptr<kube_double::ObjectStore> store_;
  std::unique_ptr<kube_double::WatchHub> hub_;
  std::unique_ptr<kube_double::RestOperations> rest_;
  std::unique_ptr<kube_double::Authenticator> auth_;
  std::unique_ptr<kube_double::FaultInjector> faults_;
  std::unique_ptr<kube_double::Router> router_;
  std::unique_ptr<kube_double::HttpsServer> server_;  // last: stopped and destroyed first
};

}  // namespace pier::testing
