#include "console_client/curl_http.h"

#include <curl/curl.h>

#include <cerrno>

namespace pier::console_client {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Any answer of the API fits many times over; a larger one is a wrong server.
constexpr std::size_t kMaxBodyBytes = std::size_t{64} << 20;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string seconds_text(milliseconds duration) {
  auto tenths = (duration.count() + 50) / 100;
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " s";
}

struct Headers {
  curl_slist* list = nullptr;
  Headers() = default;
  Headers(const Headers&) = delete;
  Headers& operator=(const Headers&) = delete;
  ~Headers() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

// What the callbacks of one transfer share with exchange().
struct Transfer {
  CURL* easy = nullptr;
  const HttpCall* call = nullptr;
  HttpReply reply;
  SteadyClock::time_point last_activity = SteadyClock::now();
  milliseconds idle_limit{0};  // streams only
  bool idle_timed_out = false;
  bool too_large = false;
  bool consumer_threw = false;

  bool streaming_now() {
    if (!call->on_data) return false;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return status >= 200 && status < 300;
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  transfer->last_activity = SteadyClock::now();
  if (transfer->streaming_now()) {
    bool more = false;
    // An exception must not cross libcurl's C frames: it ends the transfer instead.
    try {
      more = transfer->call->on_data(std::string_view(data, bytes));
    } catch (...) {
      transfer->consumer_threw = true;
      return 0;
    }
    if (!more) {
      transfer->reply.stopped_by_consumer = true;
      return 0;  // ends the transfer
    }
    return bytes;
  }
  if (transfer->reply.body.size() + bytes > kMaxBodyBytes) {
    transfer->too_large = true;
    return 0;
  }
  transfer->reply.body.append(data, bytes);
  return bytes;
}

size_t on_header(char*, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->last_activity = SteadyClock::now();
  return size * count;
}

// Called about once a second while a transfer runs, data or not: ends a
// stream that has been silent for longer than its limit.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->idle_limit.count() > 0 && SteadyClock::now() - transfer->last_activity > transfer->idle_limit) {
    transfer->idle_timed_out = true;
    return 1;
  }
  return 0;
}

Error unavailable(std::string message, Retry retry) {
  return Error::make(ErrorCode::kUnavailable, std::move(message), retry);
}

std::string with_detail(std::string text, const char* detail) {
  if (detail && *detail) text += " (" + std::string(detail) + ")";
  return text;
}

}  // namespace

Result<std::unique_ptr<CurlHttp>> CurlHttp::create(ClientOptions options) {
  init_curl_once();
  while (options.server_url.ends_with('/')) options.server_url.pop_back();
  const std::string& url = options.server_url;
  bool http = url.starts_with("http://") || url.starts_with("https://");
  std::size_t host_start = url.find("://") + 3;
  if (!http || host_start >= url.size())
    return fail(Error::invalid("server \"" + url + "\" is not an http:// or https:// URL"));
  CURL* easy = curl_easy_init();
  if (!easy) return fail(Error::internal("libcurl: cannot make a handle"));
  return std::unique_ptr<CurlHttp>(new CurlHttp(std::move(options), easy));
}

CurlHttp::CurlHttp(ClientOptions options, void* easy) : options_(std::move(options)), easy_(easy) {
  if (!options_.token.empty()) authorization_ = "Authorization: Bearer " + options_.token;
}

CurlHttp::~CurlHttp() { curl_easy_cleanup(static_cast<CURL*>(easy_)); }

Result<HttpReply> CurlHttp::exchange(const HttpCall& call) {
  std::lock_guard lock(mutex_);
  CURL* easy = static_cast<CURL*>(easy_);
  // A reset keeps the open connection, DNS and TLS session caches.
  curl_easy_reset(easy);

  Transfer transfer;
  transfer.easy = easy;
  transfer.call = &call;
  const bool streaming = static_cast<bool>(call.on_data);
  if (streaming) transfer.idle_limit = options_.timeout;

  const std::string url = options_.server_url + call.path;
  char error_buffer[CURL_ERROR_SIZE] = {};
  Headers headers;
  for (const auto& header : call.headers) headers.add(header);
  if (!authorization_.empty()) headers.add(authorization_);
  if (call.body) {
    headers.add("Content-Type: application/json");
    headers.add("Expect:");  // no 100-continue round trip for large values
  }

  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the token elsewhere
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);      // our paths are already exact
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "pier");
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  if (!streaming) curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
  if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure_skip_tls_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (call.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  if (call.body) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body->data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body->size()));
  }

  CURLcode code = curl_easy_perform(easy);

  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  transfer.reply.status = static_cast<int>(status);
  char* content_type = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type)
    transfer.reply.content_type = content_type;

  if (code == CURLE_OK || transfer.reply.stopped_by_consumer) return std::move(transfer.reply);
  if (transfer.consumer_threw)
    return fail(Error::internal("the handler of the answer from " + options_.server_url + " failed"));

  const std::string& server = options_.server_url;
  if (transfer.idle_timed_out)
    return fail(unavailable("the event stream from " + server + " was silent for " + seconds_text(transfer.idle_limit),
                            Retry::kYes));
  if (transfer.too_large)
    return fail(Error::internal("the answer from " + server + " is larger than " + std::to_string(kMaxBodyBytes >> 20) +
                                " MiB"));
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return fail(
          unavailable("cannot resolve the host of " + server + " (is --server or PIER_SERVER right?)", Retry::kNo));
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED)
        return fail(unavailable("cannot connect to " + server + ": connection refused (is pier serve running there?)",
                                Retry::kYes));
      return fail(unavailable(with_detail("cannot connect to " + server, error_buffer), Retry::kYes));
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_time = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_time);
      if (connect_time == 0)
        return fail(
            unavailable("cannot connect to " + server + ": timed out after " + seconds_text(options_.connect_timeout),
                        Retry::kYes));
      return fail(unavailable("no answer from " + server + " within " + seconds_text(options_.timeout), Retry::kYes));
    }
    case CURLE_PEER_FAILED_VERIFICATION:
      return fail(unavailable(
          with_detail("TLS: the certificate of " + server + " is not trusted (give the console's CA with --ca-file)",
                      error_buffer),
          Retry::kNo));
    case CURLE_SSL_CACERT_BADFILE:
      return fail(Error::invalid(with_detail("TLS: cannot use the CA file " + options_.ca_file, error_buffer)));
    case CURLE_SSL_CONNECT_ERROR:
      return fail(unavailable(with_detail("TLS handshake with " + server + " failed", error_buffer), Retry::kNo));
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return fail(unavailable(with_detail("the connection to " + server + " broke", error_buffer), Retry::kYes));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return fail(Error::invalid(with_detail("server \"" + server + "\" is not a usable URL", error_buffer)));
    default:
      return fail(unavailable(with_detail(server + ": " + curl_easy_strerror(code), error_buffer), Retry::kNo));
  }
}

}  // namespace pier::console_client
