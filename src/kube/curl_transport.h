// The real Transport: HTTPS to one cluster context with libcurl.
//
//   CurlTransportConfig config;
//   config.context_name = "prod-bj";
//   config.server = "https://10.0.0.1:6443";
//   config.ca_pem = ca_bytes;
//   config.credentials = std::make_shared<StaticTokenSource>(token);
//   auto transport = CurlTransport::create(std::move(config));
//   auto reply = (*transport)->send({.method = "GET", .path = "/version"});
//
// Usually built by connect() (connect.h) from a kubeconfig context.
//
// - Connections are kept and reused: a small pool of curl handles, each
//   keeping its own connections, guarded by a mutex, so several threads can
//   send at once (a watch holds one handle for as long as it runs). DNS
//   answers and TLS sessions are shared between the handles.
// - HTTP/2 when the server offers it (ALPN), HTTP/1.1 otherwise.
// - TLS is verified against the context's CA (or the system's trust store);
//   insecure-skip-tls-verify is honoured with a warning on stderr, once per
//   context and process.
// - The bearer token is asked from the credentials before every request, so
//   a rotated token is used as soon as it is seen; after a 401 the
//   credentials are refreshed once and the request is sent again.
// - Retries follow retry_policy.h; the waits are sleeps bounded by
//   RetryPolicy::max_total (a stream's wait ends early when it is stopped).
//   A stream is retried only until its first byte reaches on_data.
// - Errors name the context, the method, the URL and the cause in words
//   ("connection refused", "TLS: certificate verify failed (is
//   certificate-authority right?)", "timed out after 30 s"); never a token.
//   HTTP statuses are responses, not errors.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "kube/credentials.h"
#include "kube/retry_policy.h"
#include "kube/transport.h"

namespace pier::kube {

struct CurlTransportConfig {
  std::string context_name;
  std::string server;  // https://host:port[/prefix], no trailing slash

  std::string ca_pem;  // empty: the system's trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // verify the certificate against (and send SNI for) this name
  std::string proxy_url;        // empty: curl's default (https_proxy, no_proxy environment)
  bool disable_compression = false;

  std::string client_certificate_pem;  // with client_key_pem: TLS client authentication
  std::string client_key_pem;
  std::shared_ptr<CredentialSource> credentials;  // may be null: no bearer token

  std::chrono::milliseconds connect_timeout{10'000};
  RetryPolicy retry;
  RandomUnit random_unit;  // jitter, called from any thread; empty: a per-thread generator
  size_t max_idle_handles = 4;
  std::string user_agent = "pier";
  // Where the insecure-skip-tls-verify warning goes; empty: stderr.
  std::function<void(const std::string&)> warn;
};

class CurlTransport final : public Transport {
 public:
  // kInvalidInput when the server URL is unusable.
  static Result<std::unique_ptr<CurlTransport>> create(CurlTransportConfig config);
  ~CurlTransport() override;

  Result<HttpResponse> send(const HttpRequest& request) override;
  Result<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view chunk)>& on_data,
                              std::stop_token stop) override;
  std::string describe() const override;

 private:
  class Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pier::kube
