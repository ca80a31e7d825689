#include "authenticator.h"

#include <algorithm>
#include <cctype>

namespace pier::testing::kube_double {

std::optional<UserInfo> Authenticator::authenticate(std::string_view authorization,
                                                    const std::optional<ClientCertificate>& certificate) const {
  if (certificate && certificate->verified && !certificate->common_name.empty()) {
    UserInfo user;
    user.name = certificate->common_name;
    user.groups = certificate->organisations;
    user.groups.push_back("system:authenticated");
    return user;
  }
  if (authorization.size() > 7) {
    std::string scheme(authorization.substr(0, 7));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme == "bearer ") {
      std::string_view token = authorization.substr(7);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      if (!settings_.token.empty() && token == settings_.token)
        return UserInfo{"double-admin", {"system:masters", "system:authenticated"}, true};
      if (!settings_.no_rights_token.empty() && token == settings_.no_rights_token)
        return UserInfo{"no-rights", {"system:authenticated"}, false};
      return std::nullopt;  // a wrong token is 401 even where anonymous requests are allowed
    }
  }
  if (!settings_.require_authentication) return UserInfo{"system:anonymous", {"system:unauthenticated"}, true};
  return std::nullopt;
}

std::optional<ApiError> Authenticator::authorize(const UserInfo& user, std::string_view verb,
                                                 const ResourceType* type, std::string_view namespace_name,
                                                 std::string_view name, std::string_view subresource) const {
  if (user.has_rights || !type) return std::nullopt;  // discovery and health are for every authenticated user
  std::string resource = type->plural;
  if (!subresource.empty()) resource += "/" + std::string(subresource);
  std::string subject = type->group_resource();
  if (!name.empty()) subject += " \"" + std::string(name) + "\"";
  std::string message = subject + " is forbidden: User \"" + user.name + "\" cannot " + std::string(verb) +
                        " resource \"" + resource + "\" in API group \"" + type->group + "\"";
  message += namespace_name.empty() ? " at the cluster scope" : " in the namespace \"" + std::string(namespace_name) + "\"";
  return ApiError::forbidden(std::move(message), type->group, type->plural, std::string(name));
}

}  // namespace pier::testing::kube_double
