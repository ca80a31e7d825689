#include "https_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace pier::testing {

namespace {

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*headers)[name] = value;
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

struct WatchState {
  WatchResult* result;
  std::string pending;
  const std::function<bool(const std::vector<nlohmann::json>&)>* enough;
};

size_t on_watch_body(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<WatchState*>(user);
  state->result->raw.append(data, size * count);
  state->pending.append(data, size * count);
  size_t newline;
  while ((newline = state->pending.find('\n')) != std::string::npos) {
    std::string line = state->pending.substr(0, newline);
    state->pending.erase(0, newline + 1);
    state->result->events.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  if (*state->enough && (*state->enough)(state->result->events)) {
    state->result->stopped = true;
    return 0;  // abort the transfer
  }
  return size * count;
}

}  // namespace

nlohmann::json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

HttpsClient::HttpsClient(const ApiServerDouble& api)
    : url_(api.url()), ca_file_(api.ca_file()), token_(api.token()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  handle_ = curl_easy_init();
}

HttpsClient::~HttpsClient() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

void* HttpsClient::prepare(const std::string& method, const std::string& path, const std::string& body,
                           const std::string& content_type, void* headers_out) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, (url_ + path).c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (certificate_) {
    curl_blob cert{const_cast<char*>(certificate_->certificate_pem.data()), certificate_->certificate_pem.size(),
                   CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(certificate_->key_pem.data()), certificate_->key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
  }
  curl_slist* list = nullptr;
  if (token_) list = curl_slist_append(list, ("Authorization: Bearer " + *token_).c_str());
  list = curl_slist_append(list, content_type.empty() ? "Content-Type:" : ("Content-Type: " + content_type).c_str());
  list = curl_slist_append(list, "Accept: application/json");
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, headers_out);
  return list;
}

HttpResult HttpsClient::request(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& content_type) {
  HttpResult result;
  CURL* curl = static_cast<CURL*>(handle_);
  auto* list = static_cast<curl_slist*>(prepare(method, path, body, content_type, &result.headers));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30'000L);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (code != CURLE_OK) result.error = curl_easy_strerror(code);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &result.new_connections);
  return result;
}

WatchResult HttpsClient::watch(const std::string& path,
                               const std::function<bool(const std::vector<nlohmann::json>&)>& enough,
                               std::chrono::milliseconds timeout) {
  WatchResult result;
  std::map<std::string, std::string> headers;
  CURL* curl = static_cast<CURL*>(handle_);
  auto* list = static_cast<curl_slist*>(prepare("GET", path, "", "", &headers));
  WatchState state{&result, "", &enough};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_watch_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  if (!state.pending.empty() && !result.stopped) result.events.push_back(nlohmann::json::parse(state.pending, nullptr, false));
  result.ended_cleanly = code == CURLE_OK;
  if (code != CURLE_OK && !result.stopped) result.error = curl_easy_strerror(code);
  if (result.stopped) {
    // An aborted transfer leaves the connection unusable; start afresh.
    curl_easy_cleanup(curl);
    handle_ = curl_easy_init();
  }
  return result;
}

}  // namespace pier::testing
