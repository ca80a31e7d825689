// HTTP to `pier serve` with libcurl: one request at a time on a kept-alive
// connection, the answer buffered or streamed. The only code here that
// touches the network.
//
//   auto http = CurlHttp::create(options);   // kInvalidInput for a URL that is not http(s)
//   auto reply = (*http)->exchange({.method = "GET", .path = "/api/v1/releases?limit=500"});
//   if (reply) use(reply->status, reply->body);
//
// HTTP statuses are answers, not errors; errors are what kept an answer
// from coming: connection refused, TLS, timeouts, a cut stream, each in
// words and naming the server ("cannot connect to http://127.0.0.1:8080:
// connection refused (is pier serve running there?)"). The token goes into
// the Authorization header only; libcurl's error text never holds headers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "console_client/client_options.h"

namespace pier::console_client {

struct HttpCall {
  std::string method = "GET";
  std::string path;                  // "/api/v1/...", query included, already percent-encoded
  std::vector<std::string> headers;  // "Name: value"; Authorization is added from the options
  std::optional<std::string> body;   // sent as application/json
  // Streaming: each piece of a 2xx body goes here instead of into the
  // reply's body; returning false ends the transfer early (not an error).
  // The whole-request timeout then does not apply; `timeout` of the options
  // is the longest silence allowed instead.
  std::function<bool(std::string_view)> on_data;
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;                  // the whole body, except a streamed 2xx one
  bool stopped_by_consumer = false;  // on_data returned false
};

class CurlHttp {
 public:
  static Result<std::unique_ptr<CurlHttp>> create(ClientOptions options);
  ~CurlHttp();
  CurlHttp(const CurlHttp&) = delete;
  CurlHttp& operator=(const CurlHttp&) = delete;

  // Thread-safe: calls take turns on the one connection.
  Result<HttpReply> exchange(const HttpCall& call);

  const std::string& server() const { return options_.server_url; }

 private:
  explicit CurlHttp(ClientOptions options, void* easy);

  ClientOptions options_;
  std::string authorization_;  // "Authorization: Bearer ..." or empty
  std::mutex mutex_;
  void* easy_;  // CURL*: libcurl's types stay out of this header
};

}  // namespace pier::console_client
