// apiVersion + kind -> resource path and scope, from /api and /apis, cached
// and refreshed on a miss (a CRD installed after start is found).
//
//   Discovery discovery(transport, "prod-bj");
//   Result<ResourceInfo> info = discovery.resolve({"apps", "v1", "Deployment"});
//   Result<ResourceInfo> svc = discovery.resolve_name("svc");  // core v1 services
//
// Order of preference, as kubectl's: the core group first, then the groups
// in the order /apis lists them; within a group its preferred version first.
// A group version whose discovery fails (an aggregated API answering 503) is
// left out and the rest works; it is tried again on the next refresh.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace pier::kube {

class Discovery {
 public:
  // Errors name the cluster with transport.describe().
  explicit Discovery(Transport& transport);
  // Errors name the cluster as "context <context_name>", as Client's do.
  Discovery(Transport& transport, std::string context_name);

  // kNotFound (after one refresh) when the cluster does not serve the kind.
  // An empty version means the group's preferred version that serves it.
  Result<ResourceInfo> resolve(const GroupVersionKind& gvk);
  // What `kubectl get` accepts: "deployments", "deployment", "deploy",
  // "Deployment", "deployments.apps", "deployments.v1.apps", "svc".
  // Preferred versions first; core before other groups ("events" -> v1).
  Result<ResourceInfo> resolve_name(std::string_view name);
  // Forget the cache; the next lookup reads discovery again.
  void invalidate();

  // Every served resource (all versions), in order of preference; reads
  // discovery first if needed.
  Result<std::vector<ResourceInfo>> resources();

 private:
  Result<void> refresh_locked();
  Result<void> ensure_loaded_locked();
  // find() over the cache, loading it first; when that finds nothing in a
  // cache read earlier, reads discovery once more and tries again.
  Result<const ResourceInfo*> find_refreshing_locked(const std::function<const ResourceInfo*()>& find);
  Result<nlohmann::json> fetch_locked(const std::string& path);
  // Appends the top-level resources of one APIResourceList.
  void add_resource_list_locked(const std::string& group, const std::string& version, const nlohmann::json& list,
                                bool preferred, std::vector<ResourceInfo>& all,
                                std::vector<ResourceInfo>& preferred_out);
  Error not_found_locked(std::string message) const;

  Transport& transport_;
  std::string context_label_;  // "context prod-bj", or the transport's description
  std::mutex mutex_;
  bool loaded_ = false;
  std::vector<ResourceInfo> resources_;   // all served versions
  std::vector<ResourceInfo> preferred_;   // preferred version of each group
  std::vector<std::string> failed_group_versions_;  // "metrics.k8s.io/v1beta1: <why>", of the last refresh
};

}  // namespace pier::kube
