// `pier apply`: server-side apply of a set of objects in dependency order,
// then (when asked) pruning what an earlier apply of the same set left
// behind. The decisions are in apply_plan.h; this is the layer that calls
// the cluster.
//
//   ApplyRequest request{objects, "shop", {.dry_run = true}, "app.kubernetes.io/instance=web"};
//   auto result = apply_objects(client, request, [](const std::string& line) { std::cout << line << "\n"; });
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "kube/client.h"

namespace pier::kube {

struct ApplyRequest {
  std::vector<nlohmann::json> objects;
  std::string default_namespace = "default";  // for namespaced objects that name none
  ApplyOptions options;                       // field manager, force, dry run
  // A label selector: live objects it matches that this field manager
  // applied and that the set no longer has are deleted. Empty: no pruning.
  std::string prune_selector;
};

struct ApplyResult {
  std::vector<std::string> applied;  // kubectl names, in the order applied
  std::vector<std::string> pruned;
};

// Stops at the first object the server refuses (conflicts listed field by
// field) and does not prune then. progress gets one line per object, as
// kubectl prints them: "deployment.apps/jetty serverside-applied".
Result<ApplyResult> apply_objects(Client& client, const ApplyRequest& request,
                                  const std::function<void(const std::string& line)>& progress);

}  // namespace pier::kube
