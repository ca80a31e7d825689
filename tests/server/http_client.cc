#include "http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace pier::server::testing {
namespace {

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<ClientResponse*>(user)->body.append(data, size * count);
  return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  auto* response = static_cast<ClientResponse*>(user);
  if (line.rfind("HTTP/", 0) == 0) response->headers.clear();  // a new response (after 100 Continue)
  std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    response->headers.emplace_back(name, value);
  }
  return size * count;
}

curl_slist* header_list(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  return list;
}

void set_ca(CURL* curl, const std::string& ca_pem) {
  if (ca_pem.empty()) return;
  curl_blob blob{const_cast<char*>(ca_pem.data()), ca_pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
}

ClientResponse perform(CURL* curl, const ClientRequest& request) {
  ClientResponse response;
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, request.path_as_is ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
  }
  curl_slist* headers = header_list(request.headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  set_ca(curl, request.ca_pem);
  if (request.max_tls_version) curl_easy_setopt(curl, CURLOPT_SSLVERSION, request.max_tls_version);
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &response.connects);
  } else {
    response.error = curl_easy_strerror(code);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  return response;
}

}  // namespace

std::string ClientResponse::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return "";
}

ClientResponse send(const ClientRequest& request) {
  CURL* curl = curl_easy_init();
  ClientResponse response = perform(curl, request);
  curl_easy_cleanup(curl);
  return response;
}

ClientResponse get(const std::string& url, std::vector<std::string> headers) {
  ClientRequest request;
  request.url = url;
  request.headers = std::move(headers);
  return send(request);
}

KeepAliveClient::KeepAliveClient() : curl_(curl_easy_init()) {}
KeepAliveClient::~KeepAliveClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

ClientResponse KeepAliveClient::get(const std::string& url) {
  ClientRequest request;
  request.url = url;
  return perform(static_cast<CURL*>(curl_), request);
}

// ---- SSE ----

namespace {

struct SseState {
  std::mutex* mutex;
  std::string* text;
  std::atomic<bool>* abort;
};

size_t write_sse(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<SseState*>(user);
  std::lock_guard lock(*state->mutex);
  state->text->append(data, size * count);
  return size * count;
}

int sse_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<SseState*>(user)->abort->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

SseReader::SseReader(std::string url, std::vector<std::string> headers, std::string ca_pem)
    : url_(std::move(url)), headers_(std::move(headers)), ca_pem_(std::move(ca_pem)) {
  thread_ = std::thread([this] {
    CURL* curl = curl_easy_init();
    SseState state{&mutex_, &text_, &abort_};
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_sse);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, sse_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
    curl_slist* headers = header_list(headers_);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    set_ca(curl, ca_pem_);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    char* type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
    {
      std::lock_guard lock(mutex_);
      status_ = status;
      content_type_ = type ? type : "";
      if (code != CURLE_OK) error_ = curl_easy_strerror(code);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    finished_ = true;
  });
}

SseReader::~SseReader() {
  abort_ = true;
  thread_.join();
}

bool SseReader::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (text().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return text().find(needle) != std::string::npos;
}

bool SseReader::wait_finished(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!finished_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return finished_;
}

void SseReader::disconnect() {
  abort_ = true;
  wait_finished();
}

std::string SseReader::text() const {
  std::lock_guard lock(mutex_);
  return text_;
}
long SseReader::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}
std::string SseReader::content_type() const {
  std::lock_guard lock(mutex_);
  return content_type_;
}
std::string SseReader::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

// ---- raw TCP ----

RawConnection::RawConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string RawConnection::read_until(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!peer_closed_ && (needle.empty() || pending_.find(needle) == std::string::npos)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      peer_closed_ = true;
      break;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  return pending_;
}

std::string RawConnection::read_until_closed(std::chrono::milliseconds timeout) { return read_until("", timeout); }

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  read_until("", timeout);
  return peer_closed_;
}

bool can_connect(std::uint16_t port) {
  RawConnection connection(port);
  return connection.connected();
}

}  // namespace pier::server::testing
