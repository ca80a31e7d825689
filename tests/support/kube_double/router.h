// From an HTTP request to its answer: records it, injects a due fault,
// authenticates, then serves /version, health, discovery or a resource verb.
// Knows nothing of sockets, so it is tested without any.
//
//   Router router(rest, catalog, auth, faults, "127.0.0.1:6443");
//   auto outcome = router.handle(request);
//   if (auto* reply = std::get_if<HttpReply>(&outcome)) write(*reply);
//   else stream(std::get<WatchPlan>(outcome));
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "authenticator.h"
#include "fault_injection.h"
#include "resource_catalog.h"
#include "rest_operations.h"

namespace pier::testing::kube_double {

struct IncomingRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string user_agent;
  std::optional<ClientCertificate> client_certificate;
};

using RouteOutcome = std::variant<HttpReply, WatchPlan>;

class Router {
 public:
  Router(RestOperations& rest, ResourceCatalog& catalog, Authenticator& auth, FaultInjector& faults,
         std::string server_address);

  // Never throws: a bug while serving becomes a 500 Status.
  RouteOutcome handle(const IncomingRequest& request);

 private:
  RouteOutcome route(const IncomingRequest& request);
  RouteOutcome resource(const IncomingRequest& request, const struct Target& target, const UserInfo& user);

  RestOperations& rest_;
  ResourceCatalog& catalog_;
  Authenticator& auth_;
  FaultInjector& faults_;
  std::string server_address_;
};

// The media type without parameters, lower-cased: "application/apply-patch+yaml".
std::string media_type(std::string_view content_type);

}  // namespace pier::testing::kube_double
