// The console's REST API (docs/api/openapi.yaml) on a server::Router: each
// group of routes in its own file, all reading the same services.
//
//   ConsoleServices services{store, apps, targets, releases, box, streams};
//   add_catalog_routes(router, services);     // /apps, presets, defaults
//   add_release_routes(router, services);     // /clusters, /releases/...
//   add_operation_routes(router, services);   // /operations/{id}[/events]
//   add_admin_routes(router, services);       // /tokens, /audit
#pragma once

#include <string_view>

#include "console/app_catalog.h"
#include "console/event_streams.h"
#include "console/release_service.h"
#include "console/target_registry.h"
#include "server/router.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace pier::console {

inline constexpr std::string_view kApiPrefix = "/api/v1";

struct ConsoleServices {
  store::Store& store;
  const AppCatalog& apps;
  TargetRegistry& targets;
  ReleaseService& releases;
  const store::SecretBox& box;
  EventStreams& streams;
};

void add_catalog_routes(server::Router& router, ConsoleServices& services);
void add_release_routes(server::Router& router, ConsoleServices& services);
void add_operation_routes(server::Router& router, ConsoleServices& services);
void add_admin_routes(server::Router& router, ConsoleServices& services);

// ---- shared by the route files ----

// The principal's scopes allow the cluster and namespace.
bool in_scope(const server::Request& request, std::string_view cluster, std::string_view namespace_name);
// 404 for a release outside the caller's scopes: what it cannot see does not exist for it.
server::Response out_of_scope(std::string_view what);
// The request's user, as history and the audit log name it.
std::string user_of(const server::Request& request);
// A query parameter that must be an integer in [min, max]; `fallback` when absent.
Result<long long> query_integer(const server::Request& request, std::string_view name, long long fallback,
                                long long min, long long max);
// The route's API path: "/api/v1" + path.
std::string api(std::string_view path);

}  // namespace pier::console
