// Who is asking, and may they: the double's authentication (a bearer token,
// or a client certificate signed by its CA whose CN is the user and O the
// groups, as kube-apiserver's x509 authenticator reads them) and its
// all-or-nothing authorization (every authenticated user is an admin, except
// the "no rights" token, which may only read discovery, /version and health).
//
//   Authenticator auth(settings);
//   auto user = auth.authenticate(request.authorization, request.client_certificate);
//   if (!user) reply 401;
//   if (auto denied = auth.authorize(*user, "list", type, "web", "")) reply 403;
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "api_error.h"
#include "resource_type.h"

namespace pier::testing::kube_double {

// What the TLS layer learned from a client certificate.
struct ClientCertificate {
  std::string common_name;
  std::vector<std::string> organisations;
  bool verified = false;  // chains to the double's CA and is within its validity
};

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
  bool has_rights = true;
};

struct AuthSettings {
  std::string token;            // the admin token
  std::string no_rights_token;  // authenticates, then is forbidden everything but discovery
  bool require_authentication = true;  // false: anonymous requests act as an admin
};

class Authenticator {
 public:
  explicit Authenticator(AuthSettings settings) : settings_(std::move(settings)) {}

  // nullopt: 401. A verified certificate wins over the Authorization header,
  // as the x509 authenticator runs first.
  std::optional<UserInfo> authenticate(std::string_view authorization,
                                       const std::optional<ClientCertificate>& certificate) const;

  // nullopt when allowed; else the 403 Status. `type` is null for
  // non-resource paths (discovery, /version, health).
  std::optional<ApiError> authorize(const UserInfo& user, std::string_view verb, const ResourceType* type,
                                    std::string_view namespace_name, std::string_view name,
                                    std::string_view subresource) const;

 private:
  AuthSettings settings_;
};

}  // namespace pier::testing::kube_double
