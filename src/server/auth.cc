#include "server/auth.h"

#include <exception>

namespace pier::server {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Response unauthorized(std::string_view message, bool bad_token) {
  Response response = Response::error(401, message);
  // RFC 6750: name the scheme, and say when the token itself was the problem.
  response.set_header("WWW-Authenticate",
                      bad_token ? R"(Bearer realm="pier", error="invalid_token")" : R"(Bearer realm="pier")");
  return response;
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kDeployer:
      return "deployer";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role role : {Role::kViewer, Role::kDeployer, Role::kAdmin})
    if (role_name(role) == name) return role;
  return std::nullopt;
}

std::optional<std::string_view> bearer_token(std::string_view header) {
  header = trim(header);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !iequals(header.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  if (header[kScheme.size()] != ' ') return std::nullopt;
  std::string_view token = trim(header.substr(kScheme.size() + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

std::expected<std::optional<Principal>, Response> authorize(const Access& access,
                                                             std::optional<std::string_view> authorization_header,
                                                             const Authenticator& authenticator) {
  if (access.is_public()) return std::optional<Principal>{};
  std::optional<std::string_view> token = authorization_header ? bearer_token(*authorization_header) : std::nullopt;
  if (!token) return std::unexpected(unauthorized("authentication required: send Authorization: Bearer <token>", false));
  if (!authenticator) return std::unexpected(unauthorized("invalid or expired token", true));

  Result<Principal> principal = fail(Error::internal("authenticator did not answer"));
  try {
    principal = authenticator(*token);
  } catch (const std::exception& e) {
    Response response = Response::error(500, "internal error");
    response.log_note = std::string("authenticator threw: ") + e.what();
    return std::unexpected(std::move(response));
  }
  if (!principal) {
    if (principal.error().code == ErrorCode::kDenied) return std::unexpected(unauthorized("invalid or expired token", true));
    return std::unexpected(Response::error(principal.error()));
  }
  if (principal->role < access.min_role()) {
    return std::unexpected(Response::error(403, "user " + principal->user + " has role " +
                                                    std::string(role_name(principal->role)) + "; this needs " +
                                                    std::string(role_name(access.min_role()))));
  }
  return std::optional<Principal>(std::move(*principal));
}

}  // namespace pier::server
