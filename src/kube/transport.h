// The one side effect of the Kubernetes library: HTTP to one cluster.
//
// CurlTransport (curl_transport.h) is the real one; unit tests script a fake.
// Everything above it (Client, Discovery, Informer, LeaderElector) talks only
// to this interface, so the same code runs against a real cluster and
// against the API server double of tests/support/.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace pier::kube {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  // Absolute path with the query already encoded, e.g.
  // "/apis/apps/v1/namespaces/web/deployments?limit=500".
  std::string path;
  std::string body;
  std::string content_type;  // of the body: application/json, application/apply-patch+yaml, ...
  std::string accept = "application/json";
  // Whole-request limit for send(); for stream() the limit without any byte
  // received (watches get bookmarks, so silence means a dead connection).
  std::chrono::milliseconds timeout{30'000};
  // Safe to resend after the request may have reached the server (GET, PUT
  // with a resourceVersion, apply). Connection failures before sending and
  // 429 are retried whatever this says.
  bool idempotent = true;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  std::optional<std::string> header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers)
      if (name == lower_case_name) return value;
    return std::nullopt;
  }
};

class Transport {
 public:
  virtual ~Transport() = default;

  // One request and its response, retried inside (backoff with jitter,
  // Retry-After honoured, bounded in attempts and time) on connection errors,
  // 429 and 5xx. Any HTTP status that survives the retries is a response, not
  // an error; an Error means no usable response: DNS, refused, TLS, timeout,
  // each naming the context, the URL and the cause.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // A streaming GET (watch). on_data gets the body in chunks as they arrive
  // (chunk borders fall anywhere, also inside a JSON line). Returns when the
  // server ends the stream, on_data returns false, or stop is requested; the
  // returned response has the status and headers, and the body only when
  // the status is not 2xx (a Status object). Not retried: the caller resumes
  // from the last resourceVersion it saw.
  virtual Result<HttpResponse> stream(const HttpRequest& request,
                                      const std::function<bool(std::string_view chunk)>& on_data,
                                      std::stop_token stop) = 0;

  // "context prod-bj (https://10.0.0.1:6443)": what errors name.
  virtual std::string describe() const = 0;
};

}  // namespace pier::kube
