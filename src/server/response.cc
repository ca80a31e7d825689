#include "server/response.h"

namespace pier::server {

Response Response::json(int status, const nlohmann::json& value) {
  Response response;
  response.status = status;
  // Invalid UTF-8 in a value must not throw out of a handler: replace it.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.headers.push_back(Header{"Content-Type", "application/json"});
  return response;
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers.push_back(Header{"Content-Type", std::string(content_type)});
  return response;
}

Response Response::no_content() {
  Response response;
  response.status = 204;
  return response;
}

Response Response::error(const Error& error, int status) {
  if (status == 0) status = http_status_for(error);
  if (status >= 500 && error.code != ErrorCode::kUnavailable) {
    // Internal messages may name files, queries or library exceptions: keep
    // them in the log only.
    Response response = Response::error(status, "internal error");
    response.log_note = error.describe();
    return response;
  }
  Response response = Response::error(status, error.message, error.details);
  if (status == 503 && error.retry == Retry::kYes) response.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
  return response;
}

Response Response::error(int status, std::string_view message, const std::vector<ErrorDetail>& details) {
  return Response::json(status, error_body(message, details));
}

Response& Response::set_header(std::string_view name, std::string value) {
  server::set_header(headers, name, std::move(value));
  return *this;
}

int http_status_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidInput:
      return 422;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kDenied:
      return 403;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json error_body(std::string_view message, const std::vector<ErrorDetail>& details) {
  nlohmann::json body = {{"error", message}};
  if (!details.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& detail : details) list.push_back({{"location", detail.location}, {"message", detail.message}});
    body["details"] = std::move(list);
  }
  return body;
}

}  // namespace pier::server
