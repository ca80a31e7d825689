// One HTTP request as a handler sees it: method, path parameters, query,
// headers (case-insensitive), body, who sent it.
//
//   Response show(const Request& request) {
//     std::string_view name = request.param("name");
//     auto limit = request.query_value("limit");
//     auto body = request.json_body();   // 400-ready error: "body: line 1 column 7: ..."
//     if (!body) return Response::error(body.error(), 400);
//     ...
//   }
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "server/auth.h"
#include "server/headers.h"
#include "server/percent_encoding.h"

namespace pier::server {

struct Request {
  std::string method;                  // "GET", as sent
  std::string target;                  // as sent: "/api/v1/releases?limit=5"
  std::string path;                    // the target without its query, not decoded
  std::vector<std::string> segments;   // the path's decoded segments
  QueryParams query;                   // decoded, in order
  QueryParams params;                  // path parameters of the matched route, decoded
  Headers headers;
  std::string body;
  std::string remote_address;          // "127.0.0.1:51234"
  std::string route;                   // the matched pattern: "/api/v1/releases/{cluster}"
  std::string request_id;              // X-Request-Id (the client's if sane, else ours)
  std::optional<Principal> principal;  // set when the route required a role
  std::stop_token stop;                // requested once the server's stop deadline has passed

  // The path parameter `name` ("" when the route has none of that name).
  std::string_view param(std::string_view name) const;
  // The first query value called `name`.
  std::optional<std::string_view> query_value(std::string_view name) const;
  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
  // The SSE `Last-Event-ID` header ("" when absent).
  std::string_view last_event_id() const;

  // The body parsed as JSON. kInvalidInput "body: line 1 column 7: <what>"
  // for malformed JSON, or "body: empty" for no body.
  Result<nlohmann::json> json_body() const;
};

}  // namespace pier::server
