// Typed-by-JSON operations on one cluster: get, list, create, replace,
// server-side apply, delete, watch. Paths come from Discovery, so custom
// resources work as built-in ones do.
//
//   kube::Client client(transport, "prod-bj");
//   auto svc = client.get({"", "v1", "Service"}, "web", "jetty");
//   if (!svc && svc.error().code == ErrorCode::kNotFound) ...
//
// Errors: a Status reply becomes an Error whose message names the context,
// the verb, the object and the server's message; code by HTTP status:
// 400/422 kInvalidInput (details: one per Status cause, location = field),
// 401/403 kDenied, 404 kNotFound, 409 kConflict (for apply: one detail per
// conflicting field and its manager), 410 kConflict with Retry::kResync,
// 429/5xx kUnavailable with Retry::kYes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kube/discovery.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace pier::kube {

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;  // `limit` of each page; pages are followed with `continue`
  std::string resource_version;  // "" = most recent (a quorum read)
};

struct ObjectList {
  std::vector<nlohmann::json> items;  // each with apiVersion and kind filled in
  std::string resource_version;       // of the list: where a watch starts
};

struct ApplyOptions {
  std::string field_manager = "pier";
  bool force = false;    // take fields another manager owns; only when the user asks
  bool dry_run = false;  // dryRun=All: the server computes the result, stores nothing
};

struct DeleteOptions {
  std::string propagation_policy = "Background";  // Foreground, Background, Orphan
  bool dry_run = false;
  std::optional<std::string> precondition_resource_version;
};

struct WatchOptions {
  std::string resource_version;  // start after this one
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 300;  // the server ends the watch after this; the caller re-watches
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark };
  Type type;
  nlohmann::json object;  // for a bookmark: only metadata.resourceVersion matters
};

class Client {
 public:
  Client(std::shared_ptr<Transport> transport, std::string context_name);

  const std::string& context_name() const { return context_name_; }
  Discovery& discovery() { return *discovery_; }
  Transport& transport() { return *transport_; }

  Result<nlohmann::json> get(const GroupVersionKind& gvk, std::string_view namespace_name, std::string_view name);
  // Every page; namespace "" = all namespaces (or a cluster-scoped kind).
  Result<ObjectList> list(const GroupVersionKind& gvk, std::string_view namespace_name, const ListOptions& options = {});
  Result<nlohmann::json> create(const nlohmann::json& object, bool dry_run = false);
  // PUT: fails with kConflict when metadata.resourceVersion is stale.
  Result<nlohmann::json> replace(const nlohmann::json& object);
  // PUT of the status subresource (tests and controllers that own status).
  Result<nlohmann::json> replace_status(const nlohmann::json& object);
  // Server-side apply: PATCH application/apply-patch+yaml with fieldManager.
  Result<nlohmann::json> apply(const nlohmann::json& object, const ApplyOptions& options = {});
  Result<void> remove(const GroupVersionKind& gvk, std::string_view namespace_name, std::string_view name,
                      const DeleteOptions& options = {});

  // Watches until the server ends the stream (Ok), on_event returns false
  // (Ok), stop is requested (Ok), or an error: a dropped connection
  // (kUnavailable, Retry::kYes), 410 Gone or an ERROR event with code 410
  // (kConflict, Retry::kResync). An event cut by a dropped connection is
  // never delivered half.
  Result<void> watch(const GroupVersionKind& gvk, std::string_view namespace_name, const WatchOptions& options,
                     const std::function<bool(WatchEvent&&)>& on_event, std::stop_token stop);

  // GET /version: {"major","minor","gitVersion",...}.
  Result<nlohmann::json> server_version();

 private:
  std::shared_ptr<Transport> transport_;
  std::string context_name_;
  std::unique_ptr<Discovery> discovery_;
};

// The Error for a non-2xx response: parses a Status body when there is one.
// `what` says what was attempted: "get apps/v1 Deployment web/jetty".
Error error_from_response(const HttpResponse& response, std::string_view context_name, std::string_view what);

}  // namespace pier::kube
