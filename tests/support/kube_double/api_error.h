// Failures as kube-apiserver reports them: a `Status` object (kind Status,
// apiVersion v1, status Failure) with the HTTP code, a machine-readable
// reason, a message and details, e.g.
//
//   return std::unexpected(ApiError::not_found(type, "web"));
//   // 404 {"kind":"Status",...,"message":"deployments.apps \"web\" not found",
//   //      "reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"}}
//
// The messages follow the real server's wording so that a client which
// shows them to users reads the same against the double and a cluster.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pier::testing::kube_double {

struct ResourceType;

// One entry of Status.details.causes; `reason` is Go's CauseType, which the
// JSON calls "reason" (FieldValueInvalid, FieldManagerConflict, ...).
struct StatusCause {
  std::string reason;
  std::string message;
  std::string field;
};

struct ApiError {
  int code = 500;
  std::string reason;   // StatusReason: NotFound, AlreadyExists, Conflict, Invalid, Expired, ...
  std::string message;
  // details; absent when no name/kind applies.
  std::optional<std::string> name;
  std::optional<std::string> group;
  std::optional<std::string> kind;  // the resource (plural) for most reasons, the Kind for Invalid
  std::vector<StatusCause> causes;
  std::optional<int> retry_after_seconds;
  std::string list_continue;  // Status.metadata.continue (an expired continue token's remainder)

  nlohmann::json to_status() const;
  std::string to_json_text() const { return to_status().dump(); }

  static ApiError bad_request(std::string message);
  static ApiError not_found(const ResourceType& type, std::string_view name);
  static ApiError namespace_not_found(std::string_view namespace_name);
  static ApiError already_exists(const ResourceType& type, std::string_view name);
  // Optimistic concurrency: "the object has been modified; please apply your
  // changes to the latest version and try again".
  static ApiError stale_resource_version(const ResourceType& type, std::string_view name);
  // "Operation cannot be fulfilled on <resource> \"<name>\": <why>" (409).
  static ApiError conflict(const ResourceType& type, std::string_view name, std::string_view why);
  // 422 with one cause per field problem.
  static ApiError invalid(const ResourceType& type, std::string_view name, std::vector<StatusCause> causes);
  // 410 reason Expired.
  static ApiError expired(std::string message);
  static ApiError unauthorized();
  static ApiError forbidden(std::string message, std::string group, std::string resource, std::string name);
  static ApiError resource_not_served();  // 404 "the server could not find the requested resource"
  static ApiError method_not_allowed(std::string_view method);
  // 415; `accepted` lists what the double takes for this verb.
  static ApiError unsupported_media_type(std::string_view content_type, std::string_view accepted);
  static ApiError too_large_resource_version(int64_t requested, int64_t current);
  static ApiError internal(std::string message);
  // 429 / 5xx as kube-apiserver (or a proxy in front of it) sends them.
  static ApiError injected(int http_status, std::optional<int> retry_after_seconds);
};

template <class T>
using ApiResult = std::expected<T, ApiError>;

}  // namespace pier::testing::kube_double
