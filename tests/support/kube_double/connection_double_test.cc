#include <gtest/gtest.h>

#include <curl/curl.h>

#include <fstream>
#include <sstream>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

TEST(DoubleAuth, NoCredentialsIsUnauthorized) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.set_token(std::nullopt);
  auto refused = client.get("/api/v1/namespaces");
  EXPECT_EQ(refused.status, 401);
  auto status = refused.json();
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "Unauthorized");
  EXPECT_EQ(status["code"], 401);
  EXPECT_EQ(client.get("/version").status, 401);
  client.set_token("wrong");
  EXPECT_EQ(client.get("/api/v1/namespaces").status, 401);
}

TEST(DoubleAuth, ClientCertificatesFromTheCa) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.set_token(std::nullopt);
  client.set_client_certificate(api.pki().client("alice", "ops"));
  EXPECT_EQ(client.get("/api/v1/namespaces").status, 200);

  HttpsClient expired(api);
  expired.set_token(std::nullopt);
  expired.set_client_certificate(api.pki().client("alice", "ops", std::chrono::seconds(-60)));
  EXPECT_EQ(expired.get("/api/v1/namespaces").status, 401);

  TestPki stranger("someone-else");
  HttpsClient foreign(api);
  foreign.set_token(std::nullopt);
  foreign.set_client_certificate(stranger.client("mallory"));
  EXPECT_EQ(foreign.get("/api/v1/namespaces").status, 401);
}

TEST(DoubleAuth, NoRightsTokenIsForbidden) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.set_token("no-rights-token");
  EXPECT_EQ(client.get("/version").status, 200);
  EXPECT_EQ(client.get("/apis/apps/v1").status, 200);
  auto denied = client.get("/apis/apps/v1/namespaces/web/deployments");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.json()["reason"], "Forbidden");
  EXPECT_EQ(denied.json()["message"],
            "deployments.apps is forbidden: User \"no-rights\" cannot list resource \"deployments\" in API group "
            "\"apps\" in the namespace \"web\"");
  auto cluster = client.get("/api/v1/namespaces/default");
  EXPECT_EQ(cluster.json()["message"],
            "namespaces \"default\" is forbidden: User \"no-rights\" cannot get resource \"namespaces\" in API group "
            "\"\" at the cluster scope");
}

TEST(DoubleAuth, KubeconfigNamesTheDouble) {
  ApiServerDouble api;
  std::ifstream in(api.kubeconfig_path());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("current-context: double"), std::string::npos);
  EXPECT_NE(text.str().find(api.url()), std::string::npos);
  EXPECT_NE(text.str().find(api.ca_file()), std::string::npos);
  EXPECT_NE(text.str().find("test-token"), std::string::npos);
}

TEST(DoubleConnection, RefusesTlsOlderThan12) {
  ApiServerDouble api;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, (api.url() + "/version").c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, api.ca_file().c_str());
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_0) | static_cast<long>(CURL_SSLVERSION_MAX_TLSv1_1));
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  EXPECT_NE(code, CURLE_OK);
}

TEST(DoubleConnection, KeepAlive) {
  ApiServerDouble api;
  HttpsClient client(api);
  EXPECT_EQ(client.get("/version").new_connections, 1);
  EXPECT_EQ(client.get("/api").new_connections, 0);
  EXPECT_EQ(client.get("/apis").new_connections, 0);
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

TEST(DoubleConnection, AnswersExpectContinue) {
  ApiServerDouble api;
  std::string body = config_map("default", "big", {}, std::string(200'000, 'x')).dump();
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + api.token()).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect: 100-continue");
  curl_easy_setopt(curl, CURLOPT_URL, (api.url() + "/api/v1/namespaces/default/configmaps").c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, api.ca_file().c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 5'000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  auto started = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  EXPECT_EQ(code, CURLE_OK);
  EXPECT_EQ(status, 201);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));  // did not wait out the timeout
}

TEST(DoubleConnection, AWatcherThatHangsUpIsForgotten) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  HttpsClient client(api);
  auto result = client.watch("/api/v1/namespaces/default/configmaps?watch=1",
                             [](const auto& events) { return events.size() == 1; });
  EXPECT_TRUE(result.stopped);
  EXPECT_TRUE(wait_until([&] { return api.open_watch_count() == 0; }));
}

}  // namespace
}  // namespace pier::testing
