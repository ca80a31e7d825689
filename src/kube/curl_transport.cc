#include "kube/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "kube/curl_failure.h"
#include "kube/curl_handle_pool.h"
#include "kube/duration_text.h"

namespace pier::kube {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kMaxResponseBytes = size_t{1} << 30;  // a list of everything in a big cluster stays far below

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double default_random_unit() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// The process warns once per context, however many transports it builds.
void warn_insecure_once(const CurlTransportConfig& config) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  {
    std::lock_guard lock(mutex);
    if (!warned.insert(config.context_name).second) return;
  }
  std::string message = "WARNING: context " + config.context_name +
                        ": insecure-skip-tls-verify is set: the API server's certificate is NOT checked; anyone on "
                        "the network path can read and change this traffic, credentials included.";
  if (config.warn) config.warn(message);
  else std::cerr << message << std::endl;
}

// Parts of the server URL that the TLS server name override needs.
struct ServerUrl {
  std::string scheme;
  std::string host;  // IPv6 in brackets
  std::string port;
  std::string path_prefix;  // "" or "/k8s/clusters/c-1"
};

Result<ServerUrl> parse_server_url(const std::string& server) {
  CURLU* url = curl_url();
  if (!url) return fail(Error::internal("libcurl: out of memory"));
  ServerUrl parts;
  auto part = [&](CURLUPart which, std::string& out, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(url, which, &value, flags) != CURLUE_OK) return false;
    out = value;
    curl_free(value);
    return true;
  };
  bool ok = curl_url_set(url, CURLUPART_URL, server.c_str(), 0) == CURLUE_OK && part(CURLUPART_SCHEME, parts.scheme, 0) &&
            part(CURLUPART_HOST, parts.host, 0) && part(CURLUPART_PORT, parts.port, CURLU_DEFAULT_PORT);
  std::string path;
  if (ok && part(CURLUPART_PATH, path, 0) && path != "/") parts.path_prefix = path;
  curl_url_cleanup(url);
  if (!ok || (parts.scheme != "https" && parts.scheme != "http"))
    return fail(Error::invalid("server \"" + server + "\" is not an http(s) URL"));
  while (parts.path_prefix.ends_with('/')) parts.path_prefix.pop_back();
  return parts;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Owns a curl_slist.
struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

// What the callbacks of one transfer share with the loop that drives it.
struct Transfer {
  HttpResponse response;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // streaming: 2xx bodies go here
  std::stop_token stop;
  size_t max_body = kMaxResponseBytes;
  SteadyClock::time_point last_activity = SteadyClock::now();
  bool delivered = false;          // on_data got at least one chunk
  bool consumer_declined = false;  // on_data returned false
  bool too_large = false;
  bool stopped = false;

  bool streaming_body() const { return on_data && response.status >= 200 && response.status < 300; }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  transfer->last_activity = SteadyClock::now();
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a 100 Continue, or a proxy's CONNECT reply):
    // the headers so far belonged to an earlier response.
    transfer->response.headers.clear();
    size_t space = line.find(' ');
    if (space != std::string_view::npos) transfer->response.status = std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0)
    transfer->response.headers.emplace_back(lower(std::string(line.substr(0, colon))), trim(line.substr(colon + 1)));
  return bytes;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  transfer->last_activity = SteadyClock::now();
  if (transfer->stop.stop_requested()) {
    transfer->stopped = true;
    return 0;  // aborts the transfer
  }
  if (transfer->streaming_body()) {
    transfer->delivered = true;
    if (!(*transfer->on_data)(std::string_view(data, bytes))) {
      transfer->consumer_declined = true;
      return 0;
    }
    return bytes;
  }
  if (transfer->response.body.size() + bytes > transfer->max_body) {
    transfer->too_large = true;
    return 0;
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

// One attempt's outcome: a response, or a failure in words.
struct AttemptResult {
  std::optional<HttpResponse> response;
  CurlFailure failure;      // when !response
  bool delivered = false;   // a stream passed data to its consumer: never resend
};

}  // namespace

class CurlTransport::Impl {
 public:
  Impl(CurlTransportConfig config, ServerUrl url)
      : config_(std::move(config)), url_(std::move(url)), pool_(config_.max_idle_handles) {
    if (!config_.random_unit) config_.random_unit = default_random_unit;
    if (!config_.tls_server_name.empty()) {
      // Verify against (and send SNI for) tls-server-name while connecting to
      // the real address: the URL names the TLS name, CONNECT_TO redirects
      // the connection, and the Host header keeps the real one.
      request_base_ = url_.scheme + "://" + config_.tls_server_name + ":" + url_.port + url_.path_prefix;
      std::string entry = config_.tls_server_name + ":" + url_.port + ":" + url_.host + ":" + url_.port;
      connect_to_.reset(curl_slist_append(nullptr, entry.c_str()));
      host_header_ = "Host: " + url_.host + ":" + url_.port;
    } else {
      request_base_ = config_.server;
    }
    if (config_.insecure_skip_tls_verify) warn_insecure_once(config_);
  }

  std::string describe() const { return "context " + config_.context_name + " (" + config_.server + ")"; }

  Result<HttpResponse> send(const HttpRequest& request) { return run(request, nullptr, {}); }

  Result<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                              std::stop_token stop) {
    return run(request, &on_data, std::move(stop));
  }

 private:
  std::string shown_url(const HttpRequest& request) const { return config_.server + request.path; }

  Error error(const HttpRequest& request, ErrorCode code, const std::string& cause, Retry retry) const {
    return Error::make(code, "context " + config_.context_name + ": " + request.method + " " + shown_url(request) + ": " + cause,
                       retry);
  }

  // send() and stream(): retries and the one refresh after a 401 around attempts.
  Result<HttpResponse> run(const HttpRequest& request, const std::function<bool(std::string_view)>* on_data,
                           std::stop_token stop) {
    const auto started = SteadyClock::now();
    const bool streaming = on_data != nullptr;
    bool refreshed_after_401 = false;
    int attempt = 0;
    while (true) {
      ++attempt;
      Credential credential;
      if (config_.credentials) {
        auto fetched = config_.credentials->credential();
        if (!fetched)
          return fail(error(request, fetched.error().code, "credentials: " + fetched.error().message, fetched.error().retry));
        credential = std::move(*fetched);
      }
      AttemptResult result = attempt_once(request, credential, on_data, stop);
      if (streaming && stop.stop_requested()) {
        // The caller asked to stop: what arrived so far is the answer.
        if (result.response) return std::move(*result.response);
        return HttpResponse{};
      }
      if (result.response && result.response->status == 401 && config_.credentials && !refreshed_after_401) {
        refreshed_after_401 = true;
        if (config_.credentials->refresh_after_unauthorized(credential)) {
          --attempt;  // a fresh credential is not a retry
          continue;
        }
      }
      // A stream is not resent once data flowed: the caller resumes from the
      // last resourceVersion it saw. Before that (connect errors, 429) it is.
      AttemptOutcome outcome;
      if (result.response) {
        outcome.status = result.response->status;
        outcome.retry_after = result.response->header("retry-after");
      } else {
        outcome.failure = result.failure.kind;
      }
      RetryDecision decision;
      if (!result.delivered) {
        AttemptContext context{attempt, std::chrono::duration_cast<milliseconds>(SteadyClock::now() - started),
                               request.idempotent, std::chrono::system_clock::now()};
        decision = decide_retry(config_.retry, context, outcome, config_.random_unit);
      }
      if (decision.retry) {
        if (!sleep_unless_stopped(decision.delay, stop)) return HttpResponse{};
        continue;
      }
      if (result.response) return std::move(*result.response);
      std::string cause = result.failure.cause;
      if (!decision.gave_up_because.empty()) cause += "; " + decision.gave_up_because;
      return fail(error(request, result.failure.code, cause, result.failure.retry));
    }
  }

  // True when the whole delay passed; false when stop was requested.
  static bool sleep_unless_stopped(milliseconds delay, const std::stop_token& stop) {
    const auto until = SteadyClock::now() + delay;
    while (SteadyClock::now() < until) {
      if (stop.stop_requested()) return false;
      std::this_thread::sleep_for(std::min<SteadyClock::duration>(until - SteadyClock::now(), milliseconds(50)));
    }
    return !stop.stop_requested();
  }

  void set_options(CURL* easy, const HttpRequest& request, const Credential& credential, Transfer& transfer,
                   HeaderList& headers, char* error_buffer, bool streaming) {
    const std::string url = request_base_ + request.path;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());  // copied by libcurl
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
    // A stream has no end; its limit is the idle time, watched by the loop.
    if (!streaming) curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, config_.user_agent.c_str());
    if (!streaming && !config_.disable_compression) curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
    if (connect_to_) curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_.get());  // read, never changed, by libcurl
    if (!config_.proxy_url.empty()) curl_easy_setopt(easy, CURLOPT_PROXY, config_.proxy_url.c_str());

    // Method and body. The body is not copied: `request` outlives the transfer.
    if (request.method == "GET" && request.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
      if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      }
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    if (!request.accept.empty()) headers.add("Accept: " + request.accept);
    if (!request.content_type.empty()) headers.add("Content-Type: " + request.content_type);
    headers.add("Expect:");  // no 100-continue round trip for large bodies
    if (!host_header_.empty()) headers.add(host_header_);
    if (!credential.bearer_token.empty()) headers.add("Authorization: Bearer " + credential.bearer_token);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);

    // TLS. CAINFO/CAPATH are cleared with a CA of our own so that only the
    // cluster's CA is trusted, not the system's as well (kubectl's rule).
    if (config_.insecure_skip_tls_verify) {
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
      if (!config_.ca_pem.empty()) {
        curl_blob ca{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);
        curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
        curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &ca);
      }
    }
    const std::string& cert = credential.client_certificate_pem.empty() ? config_.client_certificate_pem
                                                                        : credential.client_certificate_pem;
    const std::string& key = credential.client_certificate_pem.empty() ? config_.client_key_pem : credential.client_key_pem;
    if (!cert.empty()) {
      curl_blob cert_blob{const_cast<char*>(cert.data()), cert.size(), CURL_BLOB_COPY};
      curl_blob key_blob{const_cast<char*>(key.data()), key.size(), CURL_BLOB_COPY};
      curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert_blob);
      curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
      curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key_blob);
    }

    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  }

  AttemptResult attempt_once(const HttpRequest& request, const Credential& credential,
                             const std::function<bool(std::string_view)>* on_data, const std::stop_token& stop) {
    const bool streaming = on_data != nullptr;
    AttemptResult result;
    auto lease = pool_.acquire();
    if (!lease) {
      result.failure = {TransportFailure::kOther, lease.error().message, ErrorCode::kInternal, Retry::kNo};
      return result;
    }
    Transfer transfer;
    transfer.on_data = on_data;
    transfer.stop = stop;
    HeaderList headers;
    char error_buffer[CURL_ERROR_SIZE] = {};
    set_options(lease->easy(), request, credential, transfer, headers, error_buffer, streaming);
    bool idle_timed_out = false;
    CURLcode code = drive(*lease, transfer, streaming ? request.timeout : milliseconds(0), stop, idle_timed_out);
    result.delivered = transfer.delivered;

    if (transfer.consumer_declined || transfer.stopped || (streaming && stop.stop_requested())) {
      result.response = std::move(transfer.response);
      return result;
    }
    if (idle_timed_out) {
      result.failure = {TransportFailure::kTimedOut, "no data for " + duration_text(request.timeout) + " (idle timeout)",
                        ErrorCode::kUnavailable, Retry::kYes};
      return result;
    }
    if (transfer.too_large) {
      result.failure = {TransportFailure::kOther,
                        "the response is larger than " + std::to_string(transfer.max_body >> 20) + " MiB",
                        ErrorCode::kUnavailable, Retry::kNo};
      return result;
    }
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(lease->easy(), CURLINFO_RESPONSE_CODE, &status);
      transfer.response.status = static_cast<int>(status);
      result.response = std::move(transfer.response);
      return result;
    }
    CurlFailureFacts facts;
    facts.detail = error_buffer;
    curl_easy_getinfo(lease->easy(), CURLINFO_OS_ERRNO, &facts.os_errno);
    long request_size = 0;
    curl_easy_getinfo(lease->easy(), CURLINFO_REQUEST_SIZE, &request_size);
    facts.request_sent = request_size > 0;
    curl_off_t connect_time = 0;
    curl_easy_getinfo(lease->easy(), CURLINFO_CONNECT_TIME_T, &connect_time);
    facts.connected = connect_time > 0;
    facts.host = url_.host + ":" + url_.port;
    facts.has_client_certificate = !config_.client_certificate_pem.empty() || !credential.client_certificate_pem.empty();
    facts.via_proxy = !config_.proxy_url.empty();
    facts.timeout = request.timeout;
    facts.connect_timeout = config_.connect_timeout;
    result.failure = classify_curl_failure(code, facts);
    return result;
  }

  // Runs the transfer to its end. `idle_limit` (streams only) ends it when
  // nothing arrived for that long; `stop` ends it at once: the stop callback
  // wakes the poll from whichever thread requests the stop.
  CURLcode drive(CurlHandlePool::Lease& lease, Transfer& transfer, milliseconds idle_limit, const std::stop_token& stop,
                 bool& idle_timed_out) {
    CURLM* multi = lease.multi();
    CURL* easy = lease.easy();
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode code = CURLE_OK;
    bool done = false;
    {
      std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
      transfer.last_activity = SteadyClock::now();
      while (true) {
        int running = 0;
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
          code = CURLE_FAILED_INIT;
          break;
        }
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
          if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
            code = message->data.result;
            done = true;
          }
        }
        if (done || running == 0) break;
        if (stop.stop_requested()) {
          transfer.stopped = true;
          break;
        }
        int wait_ms = 1000;
        if (idle_limit.count() > 0) {
          auto idle = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - transfer.last_activity);
          if (idle >= idle_limit) {
            idle_timed_out = true;
            break;
          }
          wait_ms = static_cast<int>(std::min<int64_t>(wait_ms, (idle_limit - idle).count() + 1));
        }
        curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
      }
    }
    // Removing an unfinished transfer closes its connection; a finished one
    // leaves the connection in the multi handle's cache for the next request.
    curl_multi_remove_handle(multi, easy);
    return code;
  }

  CurlTransportConfig config_;
  ServerUrl url_;
  std::string request_base_;  // prepended to HttpRequest::path
  std::unique_ptr<curl_slist, SlistFree> connect_to_;  // CURLOPT_CONNECT_TO when tls_server_name is set
  std::string host_header_;
  CurlHandlePool pool_;
};

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(CurlTransportConfig config) {
  init_curl_once();
  if (config.context_name.empty()) config.context_name = "(unnamed)";
  auto url = parse_server_url(config.server);
  if (!url) return fail(Error::invalid("context " + config.context_name + ": " + url.error().message));
  while (config.server.ends_with('/')) config.server.pop_back();
  if (config.client_certificate_pem.empty() != config.client_key_pem.empty())
    return fail(Error::invalid("context " + config.context_name + ": a client certificate needs its key, and a key its certificate"));
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::make_unique<Impl>(std::move(config), std::move(*url))));
}

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) { return impl_->send(request); }

Result<HttpResponse> CurlTransport::stream(const HttpRequest& request,
                                           const std::function<bool(std::string_view chunk)>& on_data,
                                           std::stop_token stop) {
  return impl_->stream(request, on_data, std::move(stop));
}

std::string CurlTransport::describe() const { return impl_->describe(); }

}  // namespace pier::kube
