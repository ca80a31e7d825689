// The verbs of the Kubernetes REST API on one resource, with kube-apiserver's
// semantics: get, list (selectors, limit/continue, resourceVersion and
// resourceVersionMatch), watch, create, replace (PUT), patch (server-side
// apply, JSON merge patch, JSON patch), delete (preconditions, finalizers)
// and deletecollection. Each returns the reply or the Status error.
//
//   RestOperations rest(store, hub, catalog, settings);
//   ApiResult<HttpReply> reply = rest.create(request);   // 201 + the stored object
//   ApiResult<WatchPlan> watch = rest.watch(request);    // streamed by the session
//
// Writes hold the store lock from the read of the live object to the
// commit, so each is atomic like an etcd transaction.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "api_path.h"
#include "defaults.h"
#include "object_store.h"
#include "resource_catalog.h"
#include "watch_hub.h"

namespace pier::testing::kube_double {

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpReply json(int status, std::string body) { return {status, std::move(body), "application/json", {}}; }
  static HttpReply text(int status, std::string body) { return {status, std::move(body), "text/plain; charset=utf-8", {}}; }
  static HttpReply error(const ApiError& error);
};

struct WatchPlan {
  WatchPtr watch;
  std::chrono::seconds timeout{1800};
  bool bookmarks = false;
};

// One request on a resource, as the router resolved it.
struct ResourceRequest {
  TypePtr type;
  std::string namespace_name;
  std::string name;
  std::string subresource;
  Query query;
  std::string body;
  std::string content_type;  // without parameters, lower-case
  std::string user_agent;
};

struct RestSettings {
  int default_watch_timeout_seconds = 1800;
};

class RestOperations {
 public:
  RestOperations(ObjectStore& store, WatchHub& hub, ResourceCatalog& catalog, RestSettings settings);

  ApiResult<HttpReply> get(const ResourceRequest& request);
  ApiResult<HttpReply> list(const ResourceRequest& request);
  ApiResult<WatchPlan> watch(const ResourceRequest& request);
  ApiResult<HttpReply> create(const ResourceRequest& request);
  ApiResult<HttpReply> replace(const ResourceRequest& request);
  ApiResult<HttpReply> patch(const ResourceRequest& request);
  ApiResult<HttpReply> remove(const ResourceRequest& request);
  ApiResult<HttpReply> remove_collection(const ResourceRequest& request);

  // Queues a bookmark for an open watch at the current revision.
  void bookmark(WatchSubscription& watch);
  void end_watch(const WatchSubscription& watch) { hub_.unsubscribe(&watch); }

  // Store writes with their side effects (a CRD serves or stops serving its
  // kinds; deleting a namespace deletes its contents). Store lock held.
  ObjectPtr commit(const StoreLock& lock, const ResourceType& type, nlohmann::json object);
  ObjectPtr erase(const StoreLock& lock, const ResourceType& type, std::string_view namespace_name,
                  std::string_view name);

 private:
  // After an update computed `updated` from `live`: no-op, dry run, deletion
  // once the last finalizer is gone, or a commit.
  HttpReply finish_update(const StoreLock& lock, const ResourceType& type, const nlohmann::json& live,
                          nlohmann::json updated, bool dry_run);
  ApiResult<HttpReply> apply(const ResourceRequest& request, bool dry_run);
  ApiResult<HttpReply> patch_with(const ResourceRequest& request, bool dry_run);

  ObjectStore& store_;
  WatchHub& hub_;
  ResourceCatalog& catalog_;
  RestSettings settings_;
  ServiceAllocator allocator_;  // guarded by the store lock
};

// The field manager of a non-apply write: ?fieldManager=, else the
// User-Agent up to its first '/', as kube-apiserver derives it.
std::string field_manager_of(const ResourceRequest& request);

}  // namespace pier::testing::kube_double
