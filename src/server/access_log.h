// One access log line per request, written after the response:
//   {"ts":"...","level":"info","msg":"request","component":"http","method":"GET",
//    "route":"/api/v1/releases/{cluster}","path":"/api/v1/releases/dc1","status":200,
//    "duration_ms":1.84,"bytes":5120,"remote":"10.1.2.3:51234","request_id":"...","user":"alice"}
//
// What is never logged: headers (so never Authorization or cookies), bodies,
// and query values whose names look secret (token, password, secret, key, ...),
// which become "REDACTED".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/json_log.h"

namespace pier::server {

struct AccessRecord {
  std::string_view method;
  std::string_view route;       // the pattern; "" when nothing matched
  std::string_view path;        // as sent, without the query
  std::string_view query;       // as sent, without '?'; redacted before logging
  int status = 0;
  double duration_ms = 0;
  std::size_t bytes = 0;        // response body bytes
  std::string_view remote;
  std::string_view request_id;
  std::string_view user;        // "" when the route was public
};

void log_access(const Logger& logger, const AccessRecord& record);

// The query with the values of secret-looking names replaced by REDACTED.
std::string redact_query(std::string_view query);

// token, access_token, id_token, password, passwd, secret, client_secret,
// api_key, apikey, key, auth, authorization, signature... (any case, decoded).
bool is_secret_name(std::string_view name);

}  // namespace pier::server
