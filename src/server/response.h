// What a handler answers: status, headers, body. Factories for the JSON API's
// two shapes, a value and an error:
//
//   return Response::json(200, {{"releases", list}});
//   return Response::error(pier::Error::not_found("release shop/web not found"));   // 404
//   return Response::error(values_error, 422);   // every schema problem in "details"
//
// Error bodies always have the shape the web UI reads:
//   {"error": "message", "details": [{"location": "/jetty/replicas", "message": "..."}]}
// ("details" only when there are some). A 5xx never shows internal text: the
// body says "internal error" and the real message goes to the log (log_note).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "server/headers.h"

namespace pier::server {

// Seconds a client is told to wait (Retry-After) before retrying a 503 whose
// error said a later attempt may succeed.
inline constexpr int kRetryAfterSeconds = 5;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Never sent: why a 5xx happened, for the server's error log.
  std::string log_note;

  static Response json(int status, const nlohmann::json& value);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response no_content();  // 204

  // The status for the error's code (see http_status_for), or `status` when
  // the caller knows better (400 instead of 422 for a malformed body; 401
  // instead of 403). kUnavailable with Retry::kYes adds Retry-After.
  static Response error(const Error& error, int status = 0);
  // An error of the given status with this message and details.
  static Response error(int status, std::string_view message, const std::vector<ErrorDetail>& details = {});

  Response& set_header(std::string_view name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

// kInvalidInput 422, kNotFound 404, kConflict 409, kDenied 403,
// kUnavailable 503, kIo and kInternal 500.
int http_status_for(const Error& error);

// {"error": message, "details": [...]}; "details" omitted when empty.
nlohmann::json error_body(std::string_view message, const std::vector<ErrorDetail>& details);

}  // namespace pier::server
