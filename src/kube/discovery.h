// apiVersion + kind -> resource path and scope, from /api and /apis, cached
// and refreshed on a miss (a CRD installed after start is found).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace pier::kube {

class Discovery {
 public:
  explicit Discovery(Transport& transport);

  // kNotFound (after one refresh) when the cluster does not serve the kind.
  Result<ResourceInfo> resolve(const GroupVersionKind& gvk);
  // What `kubectl get` accepts: "deployments", "deployment", "deploy",
  // "Deployment", "deployments.apps", "svc". Preferred versions first.
  Result<ResourceInfo> resolve_name(std::string_view name);
  // Forget the cache; the next lookup reads discovery again.
  void invalidate();

 private:
  Result<void> refresh_locked();
  Transport& transport_;
  std::mutex mutex_;
  bool loaded_ = false;
  std::vector<ResourceInfo> resources_;   // all served versions
  std::vector<ResourceInfo> preferred_;   // preferred version of each group
};

}  // namespace pier::kube
