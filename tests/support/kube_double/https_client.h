// A small libcurl client for the double's own tests: plain HTTP requests
// over TLS, and watches read line by line.
//
//   HttpsClient client(api);                      // trusts the double's CA, admin token
//   HttpResult r = client.get("/api/v1/namespaces");
//   EXPECT_EQ(r.status, 200); r.json()["items"];
//   auto events = client.watch("/api/v1/namespaces/default/configmaps?watch=1",
//                              [](const auto& events) { return events.size() == 2; });
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_server_double.h"

namespace pier::testing {

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string error;                           // libcurl's, when the transfer failed
  long new_connections = 0;

  nlohmann::json json() const;
};

struct WatchResult {
  long status = 0;
  std::vector<nlohmann::json> events;
  std::string raw;
  bool ended_cleanly = false;  // the server ended the chunked stream
  bool stopped = false;        // the predicate said enough
  std::string error;
};

class HttpsClient {
 public:
  explicit HttpsClient(const ApiServerDouble& api);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  void set_token(std::optional<std::string> token) { token_ = std::move(token); }
  void set_client_certificate(const KeyPair& pair) { certificate_ = pair; }
  void set_user_agent(std::string agent) { user_agent_ = std::move(agent); }

  HttpResult get(const std::string& path) { return request("GET", path); }
  HttpResult post(const std::string& path, const nlohmann::json& body) {
    return request("POST", path, body.dump(), "application/json");
  }
  HttpResult put(const std::string& path, const nlohmann::json& body) {
    return request("PUT", path, body.dump(), "application/json");
  }
  HttpResult apply(const std::string& path, const std::string& yaml_or_json) {
    return request("PATCH", path, yaml_or_json, "application/apply-patch+yaml");
  }
  HttpResult merge_patch(const std::string& path, const nlohmann::json& patch) {
    return request("PATCH", path, patch.dump(), "application/merge-patch+json");
  }
  HttpResult remove(const std::string& path, const std::string& body = "") {
    return request("DELETE", path, body, body.empty() ? "" : "application/json");
  }
  // Reuses one connection across calls (keep-alive).
  HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::string& content_type = "");

  // Reads a watch until `enough` returns true, the server ends the stream,
  // the connection fails or `timeout` passes.
  WatchResult watch(const std::string& path,
                    const std::function<bool(const std::vector<nlohmann::json>&)>& enough = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void* prepare(const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type, void* headers_out);

  std::string url_;
  std::string ca_file_;
  std::optional<std::string> token_;
  std::optional<KeyPair> certificate_;
  std::string user_agent_ = "kube_double_test/1.0";
  void* handle_ = nullptr;  // CURL*, kept for keep-alive
};

}  // namespace pier::testing
