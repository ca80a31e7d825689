// Who may call a route: bearer tokens checked by a pluggable authenticator
// (the token store lives elsewhere), roles ordered viewer < deployer < admin.
//
//   router.set_authenticator([&](std::string_view token) -> Result<Principal> { return tokens.check(token); });
//   router.post("/api/v1/releases", deploy, Access::at_least(Role::kDeployer));
//   router.get("/healthz", healthz, Access::anyone());
//
// A route that needs a role answers 401 (with `WWW-Authenticate: Bearer`)
// without a token or with one the authenticator refuses (kDenied), 403 when
// the principal's role is too low, 503 when the authenticator's store is
// unavailable. With no authenticator set, only public routes answer:
// everything else is refused (fail closed).
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "server/response.h"

namespace pier::server {

enum class Role { kViewer, kDeployer, kAdmin };  // ordered: each may do what the previous may

std::string_view role_name(Role role);  // "viewer", "deployer", "admin"
std::optional<Role> parse_role(std::string_view name);

struct Principal {
  std::string user;
  Role role = Role::kViewer;
  // Where the principal may act, as the application matches them (the
  // console: "cluster" or "cluster/namespace" patterns); empty: everywhere.
  std::vector<std::string> scopes;
};

// A route's access rule: public, or a minimum role.
class Access {
 public:
  static Access anyone() { return Access(true, Role::kViewer); }
  static Access at_least(Role role) { return Access(false, role); }

  bool is_public() const { return public_; }
  Role min_role() const { return min_role_; }

 private:
  Access(bool is_public, Role role) : public_(is_public), min_role_(role) {}
  bool public_;
  Role min_role_;
};

// Checks a bearer token: the principal, or kDenied for an unknown, expired or
// revoked token (401), kUnavailable when the store cannot answer (503).
using Authenticator = std::function<Result<Principal>(std::string_view bearer_token)>;

// The principal allowed by `access` for a request with this Authorization
// header (nullopt for a public route: public routes do not authenticate), or
// the refusal to send. Exceptions of the authenticator become a 500.
std::expected<std::optional<Principal>, Response> authorize(const Access& access,
                                                             std::optional<std::string_view> authorization_header,
                                                             const Authenticator& authenticator);

// The token of "Bearer <token>" (scheme in any case); nullopt for anything else.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

}  // namespace pier::server
