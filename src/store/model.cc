#include "store/model.h"

#include <algorithm>
#include <array>
#include <utility>

namespace pier::store {

namespace {

// The spelling of each enum value in the database and the API.
template <class Enum, size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "unknown";
}

template <class Enum, size_t N>
std::optional<Enum> parse_name(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text) {
  for (const auto& [v, name] : names)
    if (name == text) return v;
  return std::nullopt;
}

constexpr std::array<std::pair<RevisionStatus, std::string_view>, 5> kRevisionStatusNames{{
    {RevisionStatus::kPending, "pending"},
    {RevisionStatus::kDeployed, "deployed"},
    {RevisionStatus::kFailed, "failed"},
    {RevisionStatus::kSuperseded, "superseded"},
    {RevisionStatus::kInterrupted, "interrupted"},
}};

constexpr std::array<std::pair<OperationStatus, std::string_view>, 4> kOperationStatusNames{{
    {OperationStatus::kRunning, "running"},
    {OperationStatus::kSucceeded, "succeeded"},
    {OperationStatus::kFailed, "failed"},
    {OperationStatus::kInterrupted, "interrupted"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoleNames{{
    {Role::kViewer, "viewer"},
    {Role::kDeployer, "deployer"},
    {Role::kAdmin, "admin"},
}};

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool has_blank(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

std::string ReleaseKey::to_string() const { return cluster + "/" + namespace_name + "/" + name; }

Result<void> validate(const ReleaseKey& key) {
  const std::pair<std::string_view, const std::string*> parts[] = {
      {"cluster", &key.cluster}, {"namespace", &key.namespace_name}, {"name", &key.name}};
  for (const auto& [what, value] : parts) {
    if (value->empty()) return fail(Error::invalid("release " + key.to_string() + ": the " + std::string(what) + " is empty"));
    if (has_control_character(*value))
      return fail(Error::invalid("release: the " + std::string(what) + " holds a control character"));
  }
  return {};
}

std::string_view to_string(RevisionStatus status) { return name_of(kRevisionStatusNames, status); }
std::optional<RevisionStatus> parse_revision_status(std::string_view text) { return parse_name(kRevisionStatusNames, text); }

std::string_view to_string(OperationStatus status) { return name_of(kOperationStatusNames, status); }
std::optional<OperationStatus> parse_operation_status(std::string_view text) {
  return parse_name(kOperationStatusNames, text);
}

std::string_view to_string(Role role) { return name_of(kRoleNames, role); }
std::optional<Role> parse_role(std::string_view text) { return parse_name(kRoleNames, text); }

Result<void> validate(const User& user) {
  if (user.name.empty()) return fail(Error::invalid("user: the name is empty"));
  if (has_control_character(user.name) || has_blank(user.name))
    return fail(Error::invalid("user " + user.name + ": the name holds blanks or control characters"));
  for (const auto& scope : user.scopes) {
    if (scope.empty() || has_blank(scope) || has_control_character(scope) ||
        std::count(scope.begin(), scope.end(), '/') > 1 || scope.front() == '/' || scope.back() == '/')
      return fail(Error::invalid("user " + user.name + ": scope \"" + scope +
                                 "\" is not CLUSTER or CLUSTER/NAMESPACE (patterns may use *)"));
  }
  return {};
}

}  // namespace pier::store
