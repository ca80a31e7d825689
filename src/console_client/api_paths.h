// The console API's URLs, with every piece of user text percent-encoded, so
// that a name can neither add a path segment nor end the query.
//
//   ReleaseRef web{.cluster = "prod-bj", .namespace_name = "shop", .name = "web"};
//   release_path(web, "deploy");   // "/api/v1/releases/prod-bj/shop/web/deploy"
//   "/api/v1/releases" + encode_query({{"app", "jetty"}, {"q", "a b"}});   // common/url_encoding.h
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pier::console_client {

// A release: cluster, namespace and name, never to be mixed up.
struct ReleaseRef {
  std::string cluster;
  std::string namespace_name;
  std::string name;

  std::string display() const { return cluster + "/" + namespace_name + "/" + name; }  // "prod-bj/shop/web"
};

// "/api/v1/releases/{cluster}/{namespace}/{name}" and, when `action` is not
// empty, "/" + action ("deploy", "revisions", "diff", ...; ours, not encoded).
// Each part keeps RFC 3986 unreserved characters and encodes every other
// byte ('/' too); a part "." or ".." is encoded whole (%2E%2E) so that
// nothing on the way resolves it.
std::string release_path(const ReleaseRef& release, std::string_view action = "");

// "/api/v1/operations/{id}/events"
std::string operation_events_path(std::string_view operation_id);

}  // namespace pier::console_client
