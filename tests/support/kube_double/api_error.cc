#include "api_error.h"

#include <utility>

#include "resource_type.h"

namespace pier::testing::kube_double {

nlohmann::json ApiError::to_status() const {
  nlohmann::json status = {{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                           {"status", "Failure"}, {"message", message}, {"reason", reason},
                           {"code", code}};
  if (!list_continue.empty()) status["metadata"]["continue"] = list_continue;
  if (reason.empty()) status.erase("reason");
  nlohmann::json details = nlohmann::json::object();
  if (name) details["name"] = *name;
  if (group && !group->empty()) details["group"] = *group;
  if (kind) details["kind"] = *kind;
  if (!causes.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& cause : causes) {
      nlohmann::json c = nlohmann::json::object();
      if (!cause.reason.empty()) c["reason"] = cause.reason;
      c["message"] = cause.message;
      if (!cause.field.empty()) c["field"] = cause.field;
      list.push_back(std::move(c));
    }
    details["causes"] = std::move(list);
  }
  if (retry_after_seconds) details["retryAfterSeconds"] = *retry_after_seconds;
  if (!details.empty()) status["details"] = std::move(details);
  return status;
}

namespace {

ApiError make(int code, std::string reason, std::string message) {
  ApiError error;
  error.code = code;
  error.reason = std::move(reason);
  error.message = std::move(message);
  return error;
}

ApiError about(ApiError error, const ResourceType& type, std::string_view name) {
  error.name = std::string(name);
  error.group = type.group;
  error.kind = type.plural;
  return error;
}

std::string quoted(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

}  // namespace

ApiError ApiError::bad_request(std::string message) { return make(400, "BadRequest", std::move(message)); }

ApiError ApiError::not_found(const ResourceType& type, std::string_view name) {
  return about(make(404, "NotFound", type.group_resource() + " " + quoted(name) + " not found"), type, name);
}

ApiError ApiError::namespace_not_found(std::string_view namespace_name) {
  ApiError error = make(404, "NotFound", "namespaces " + quoted(namespace_name) + " not found");
  error.name = std::string(namespace_name);
  error.kind = "namespaces";
  return error;
}

ApiError ApiError::already_exists(const ResourceType& type, std::string_view name) {
  return about(make(409, "AlreadyExists", type.group_resource() + " " + quoted(name) + " already exists"), type, name);
}

ApiError ApiError::stale_resource_version(const ResourceType& type, std::string_view name) {
  return conflict(type, name,
                  "the object has been modified; please apply your changes to the latest version and try again");
}

ApiError ApiError::conflict(const ResourceType& type, std::string_view name, std::string_view why) {
  return about(make(409, "Conflict",
                    "Operation cannot be fulfilled on " + type.group_resource() + " " + quoted(name) + ": " +
                        std::string(why)),
               type, name);
}

ApiError ApiError::invalid(const ResourceType& type, std::string_view name, std::vector<StatusCause> causes) {
  std::string message = type.group_kind() + " " + quoted(name) + " is invalid: ";
  if (causes.size() == 1) {
    message += causes[0].field + ": " + causes[0].message;
  } else {
    message += "[";
    for (size_t i = 0; i < causes.size(); ++i) {
      if (i > 0) message += ", ";
      message += causes[i].field + ": " + causes[i].message;
    }
    message += "]";
  }
  ApiError error = make(422, "Invalid", std::move(message));
  error.name = std::string(name);
  error.group = type.group;
  error.kind = type.kind;  // Invalid names the Kind, not the resource
  error.causes = std::move(causes);
  return error;
}

ApiError ApiError::expired(std::string message) { return make(410, "Expired", std::move(message)); }

ApiError ApiError::unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

ApiError ApiError::forbidden(std::string message, std::string group, std::string resource, std::string name) {
  ApiError error = make(403, "Forbidden", std::move(message));
  if (!name.empty()) error.name = std::move(name);
  error.group = std::move(group);
  error.kind = std::move(resource);
  return error;
}

ApiError ApiError::resource_not_served() {
  ApiError error = make(404, "NotFound", "the server could not find the requested resource");
  return error;
}

ApiError ApiError::method_not_allowed(std::string_view method) {
  return make(405, "MethodNotAllowed", "the server does not allow this method on the requested resource (" +
                                           std::string(method) + ")");
}

ApiError ApiError::unsupported_media_type(std::string_view content_type, std::string_view accepted) {
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: " +
                  std::string(accepted) + " (got " + quoted(content_type) + ")");
}

ApiError ApiError::too_large_resource_version(int64_t requested, int64_t current) {
  ApiError error = make(504, "Timeout",
                        "Too large resource version: " + std::to_string(requested) +
                            ", current: " + std::to_string(current));
  error.causes.push_back({"ResourceVersionTooLarge", "Too large resource version", ""});
  error.retry_after_seconds = 1;
  return error;
}

ApiError ApiError::internal(std::string message) {
  return make(500, "InternalError", "Internal error occurred: " + message);
}

ApiError ApiError::injected(int http_status, std::optional<int> retry_after_seconds) {
  ApiError error;
  switch (http_status) {
    case 429:
      error = make(429, "TooManyRequests", "Too many requests, please try again later.");
      break;
    case 500:
      error = make(500, "InternalError", "Internal error occurred: injected by the test double");
      break;
    case 503:
      error = make(503, "ServiceUnavailable", "the server is currently unable to handle the request");
      break;
    case 504:
      error = make(504, "Timeout",
                   "Timeout: request did not complete within the allotted timeout");
      break;
    default:
      error = make(http_status, "", "injected failure " + std::to_string(http_status));
      break;
  }
  error.retry_after_seconds = retry_after_seconds;
  return error;
}

}  // namespace pier::testing::kube_double
