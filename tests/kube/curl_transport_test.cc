#include "kube/curl_transport.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "closed_port.h"
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/files.h"
#include "https_test_server.h"
#include "test_pki.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using pier::testing::HttpsTestServer;
using pier::testing::ScriptedResponse;
using pier::testing::TestPki;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

using SteadyClock = std::chrono::steady_clock;

milliseconds since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
}

using pier::testing::closed_port;

class CurlTransportTest : public ::testing::Test {
 protected:
  // Retries fast enough for tests: whole retry sequences stay well under 2 s.
  static RetryPolicy fast_retries() {
    RetryPolicy policy;
    policy.max_attempts = 4;
    policy.base_delay = milliseconds(10);
    policy.max_delay = milliseconds(40);
    policy.max_retry_after = milliseconds(200);
    policy.max_total = milliseconds(1500);
    return policy;
  }

  CurlTransportConfig config_for(const HttpsTestServer& server, const std::string& context = "test-ctx") {
    CurlTransportConfig config;
    config.context_name = context;
    config.server = server.url();
    config.ca_pem = pki_.ca_pem();
    config.connect_timeout = milliseconds(2000);
    config.retry = fast_retries();
    config.random_unit = [] { return 0.5; };
    return config;
  }

  std::unique_ptr<CurlTransport> transport(CurlTransportConfig config) {
    auto created = CurlTransport::create(std::move(config));
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(*created) : nullptr;
  }

  static HttpRequest get(const std::string& path, milliseconds timeout = milliseconds(5000)) {
    HttpRequest request;
    request.path = path;
    request.timeout = timeout;
    return request;
  }

  fs::path temp_dir() {
    fs::path dir = fs::temp_directory_path() / ("pier-curl-test-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    dirs_.push_back(dir);
    return dir;
  }

  void TearDown() override {
    for (const auto& dir : dirs_) fs::remove_all(dir);
  }

  TestPki pki_;
  HttpsTestServer server_{{.certificate = pki_.server()}};
  std::vector<fs::path> dirs_;
};

TEST_F(CurlTransportTest, SendsARequestAndLowerCasesResponseHeaders) {
  server_.enqueue({.status = 200, .headers = {{"Content-Type", "application/json"}, {"X-Kubernetes-Pf-Flowschema-Uid", "abc"}},
                   .body = R"({"major":"1"})"});
  auto t = transport(config_for(server_));
  auto response = t->send(get("/version"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"major":"1"})");
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->header("x-kubernetes-pf-flowschema-uid"), "abc");

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/version");
  EXPECT_EQ(requests[0].header("accept"), "application/json");
  EXPECT_EQ(requests[0].header("user-agent"), "pier");
  EXPECT_EQ(requests[0].header("authorization"), "");
  EXPECT_EQ(t->describe(), "context test-ctx (" + server_.url() + ")");
}

TEST_F(CurlTransportTest, SendsMethodBodyAndContentType) {
  auto t = transport(config_for(server_));
  for (std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    HttpRequest request = get("/api/v1/namespaces/web/configmaps?fieldManager=pier");
    request.method = method;
    request.body = R"({"kind":"ConfigMap"})";
    request.content_type = "application/apply-patch+yaml";
    auto response = t->send(request);
    ASSERT_TRUE(response) << response.error().message;
  }
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[2].method, "PATCH");
  EXPECT_EQ(requests[3].method, "DELETE");
  for (const auto& r : requests) {
    EXPECT_EQ(r.body, R"({"kind":"ConfigMap"})");
    EXPECT_EQ(r.header("content-type"), "application/apply-patch+yaml");
    EXPECT_EQ(r.target, "/api/v1/namespaces/web/configmaps?fieldManager=pier");
  }
}

TEST_F(CurlTransportTest, ReusesOneConnectionForManyRequests) {
  auto t = transport(config_for(server_));
  for (int i = 0; i < 20; ++i) {
    auto response = t->send(get("/api/v1/pods"));
    ASSERT_TRUE(response) << response.error().message;
  }
  EXPECT_EQ(server_.requests().size(), 20u);
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(CurlTransportTest, SeveralThreadsSendAtOnce) {
  server_.set_fallback({.status = 200, .body = "{}", .delay = milliseconds(20)});
  auto t = transport(config_for(server_));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j)
        if (auto r = t->send(get("/api")); r && r->status == 200) ++ok;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_LE(server_.connections(), 4);  // one per concurrent request at most, then reused
}

TEST_F(CurlTransportTest, WrongCaIsAClearTlsErrorAndNotRetried) {
  TestPki other("another-ca");
  CurlTransportConfig config = config_for(server_);
  config.ca_pem = other.ca_pem();
  auto t = transport(config);
  auto response = t->send(get("/api/v1/pods"));
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message,
              HasSubstr("context test-ctx: GET " + server_.url() +
                        "/api/v1/pods: TLS: certificate verify failed (is certificate-authority right?)"));
  EXPECT_EQ(response.error().retry, Retry::kNo);
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(CurlTransportTest, SystemTrustStoreIsNotEnoughForAPrivateCa) {
  CurlTransportConfig config = config_for(server_);
  config.ca_pem.clear();
  auto response = transport(config)->send(get("/"));
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message, HasSubstr("TLS: certificate verify failed"));
}

TEST_F(CurlTransportTest, TlsServerNameIsWhatTheCertificateIsCheckedAgainst) {
  CurlTransportConfig good = config_for(server_);
  good.tls_server_name = "localhost";  // in the certificate; the connection still goes to 127.0.0.1
  auto response = transport(good)->send(get("/version"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(server_.requests().back().header("host"), "127.0.0.1:" + std::to_string(server_.port()));

  CurlTransportConfig bad = config_for(server_, "test-ctx-bad-name");
  bad.tls_server_name = "api.wrong.example";
  auto refused = transport(bad)->send(get("/version"));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("TLS: the server's certificate is not for this host"));
  EXPECT_THAT(refused.error().message, HasSubstr("GET " + server_.url() + "/version"));  // the real URL
}

TEST_F(CurlTransportTest, ClientCertificates) {
  HttpsTestServer server({.certificate = pki_.server(), .client_ca_pem = pki_.ca_pem()});

  CurlTransportConfig valid = config_for(server);
  auto admin = pki_.client("admin", "system:masters");
  valid.client_certificate_pem = admin.certificate_pem;
  valid.client_key_pem = admin.key_pem;
  auto response = transport(valid)->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);

  CurlTransportConfig expired = config_for(server, "test-ctx-expired");
  auto old = pki_.client("admin", "system:masters", std::chrono::hours(-1));
  expired.client_certificate_pem = old.certificate_pem;
  expired.client_key_pem = old.key_pem;
  auto refused = transport(expired)->send(get("/api"));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("context test-ctx-expired: GET " + server.url() + "/api: "));
  EXPECT_THAT(refused.error().message, HasSubstr("TLS: the server refused the client certificate (certificate expired)"));
  EXPECT_EQ(refused.error().code, ErrorCode::kDenied);

  auto none = transport(config_for(server, "test-ctx-none"))->send(get("/api"));
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("TLS: the server wants a client certificate"));
}

TEST_F(CurlTransportTest, RetriesTooManyRequestsHonouringRetryAfter) {
  server_.enqueue({.status = 429, .headers = {{"Retry-After", "1"}}});  // 1 s, capped to 200 ms here
  server_.enqueue({.status = 200, .body = "done"});
  auto started = SteadyClock::now();
  auto response = transport(config_for(server_))->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(server_.requests().size(), 2u);
  EXPECT_GE(since(started), milliseconds(190));
  EXPECT_LT(since(started), milliseconds(1500));
}

TEST_F(CurlTransportTest, RetriesUnavailableForIdempotentRequests) {
  server_.enqueue({.status = 503});
  server_.enqueue({.status = 502});
  server_.enqueue({.status = 200, .body = "ok"});
  auto response = transport(config_for(server_))->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(CurlTransportTest, GivesUpAfterMaxAttemptsAndReturnsTheLastResponse) {
  server_.set_fallback({.status = 503, .body = "busy"});
  auto started = SteadyClock::now();
  auto response = transport(config_for(server_))->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;  // an HTTP status is a response
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(server_.requests().size(), 4u);
  EXPECT_LT(since(started), milliseconds(1500));
}

TEST_F(CurlTransportTest, DoesNotRetryANonIdempotentPostAfterA500) {
  server_.enqueue({.status = 500, .body = "oops"});
  HttpRequest request = get("/api/v1/namespaces/web/pods");
  request.method = "POST";
  request.body = "{}";
  request.idempotent = false;
  auto response = transport(config_for(server_))->send(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CurlTransportTest, RetriesANonIdempotentPostAfterA429) {
  server_.enqueue({.status = 429, .headers = {{"Retry-After", "0"}}});
  HttpRequest request = get("/api/v1/namespaces/web/pods");
  request.method = "POST";
  request.body = "{}";
  request.idempotent = false;
  auto response = transport(config_for(server_))->send(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(CurlTransportTest, DroppedConnectionIsRetriedForGet) {
  server_.enqueue({.close_without_answer = true});
  auto response = transport(config_for(server_))->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(CurlTransportTest, DroppedConnectionIsNotRetriedForANonIdempotentPost) {
  server_.enqueue({.close_without_answer = true});
  HttpRequest request = get("/api/v1/namespaces/web/pods");
  request.method = "POST";
  request.body = "{}";
  request.idempotent = false;
  auto response = transport(config_for(server_))->send(request);
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message, HasSubstr("context test-ctx: POST " + server_.url() + "/api/v1/namespaces/web/pods: "));
  EXPECT_THAT(response.error().message, HasSubstr("while waiting for the response"));
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CurlTransportTest, TimeoutEndsTheRequestInBoundedTime) {
  server_.enqueue({.status = 200, .delay = milliseconds(5000)});
  auto started = SteadyClock::now();
  auto response = transport(config_for(server_))->send(get("/api", milliseconds(300)));
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message, HasSubstr("context test-ctx: GET " + server_.url() + "/api: timed out after 300 ms"));
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(since(started), milliseconds(1500));
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CurlTransportTest, ConnectionRefusedIsRetriedThenReportedClearly) {
  CurlTransportConfig config = config_for(server_);
  const uint16_t port = closed_port();
  config.server = "https://127.0.0.1:" + std::to_string(port);
  auto started = SteadyClock::now();
  auto response = transport(config)->send(get("/api"));
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message,
              HasSubstr("context test-ctx: GET https://127.0.0.1:" + std::to_string(port) +
                        "/api: connection refused by 127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(response.error().message, HasSubstr("gave up after 4 attempts"));
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().retry, Retry::kYes);
  EXPECT_LT(since(started), milliseconds(1500));
}

TEST_F(CurlTransportTest, UnusableServerUrlIsRejectedAtCreation) {
  CurlTransportConfig config = config_for(server_);
  config.server = "ftp://127.0.0.1:1";
  auto created = CurlTransport::create(config);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(created.error().message, HasSubstr("context test-ctx: server \"ftp://127.0.0.1:1\""));
}

TEST_F(CurlTransportTest, StreamDeliversChunksAsTheyArrive) {
  server_.enqueue({.status = 200,
                   .headers = {{"Content-Type", "application/json"}},
                   .chunks = {"{\"type\":\"ADDED\"}\n{\"ty", "pe\":\"MODIFIED\"}\n", "{\"type\":\"DELETED\"}\n"},
                   .chunk_interval = milliseconds(30)});
  std::string received;
  int chunks = 0;
  auto response = transport(config_for(server_))->stream(get("/api/v1/pods?watch=true"),
                                                          [&](std::string_view chunk) {
                                                            received += chunk;
                                                            ++chunks;
                                                            return true;
                                                          },
                                                          {});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->body, "");  // a 2xx body goes to on_data only
  EXPECT_EQ(received, "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n{\"type\":\"DELETED\"}\n");
  EXPECT_GE(chunks, 2);
}

TEST_F(CurlTransportTest, StreamReturnsWithinMillisecondsOfTheStopRequest) {
  server_.enqueue({.status = 200, .chunks = {"first\n"}, .hold_open_after_chunks = true});
  std::stop_source stop;
  std::atomic<int64_t> stop_requested_at{0};
  auto t = transport(config_for(server_));
  std::thread stopper;
  auto response = t->stream(get("/watch", milliseconds(10'000)),
                            [&](std::string_view) {
                              if (!stopper.joinable())
                                stopper = std::thread([&] {
                                  std::this_thread::sleep_for(milliseconds(100));
                                  stop_requested_at = SteadyClock::now().time_since_epoch().count();
                                  stop.request_stop();
                                });
                              return true;
                            },
                            stop.get_token());
  const auto returned_at = SteadyClock::now().time_since_epoch().count();
  stopper.join();
  ASSERT_TRUE(response) << response.error().message;
  auto latency = std::chrono::duration_cast<milliseconds>(SteadyClock::duration(returned_at - stop_requested_at.load()));
  EXPECT_LT(latency, milliseconds(200));
}

TEST_F(CurlTransportTest, StreamEndsWhenTheConsumerDeclines) {
  server_.enqueue({.status = 200, .chunks = {"a", "b", "c"}, .chunk_interval = milliseconds(20),
                   .hold_open_after_chunks = true});
  int calls = 0;
  auto started = SteadyClock::now();
  auto response = transport(config_for(server_))->stream(get("/watch"), [&](std::string_view) {
    ++calls;
    return false;
  }, {});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(calls, 1);
  EXPECT_LT(since(started), milliseconds(1000));
}

TEST_F(CurlTransportTest, StreamBrokenAfterDataIsNotResent) {
  server_.enqueue({.status = 200, .chunks = {"{\"type\":\"ADDED\"}\n"}, .drop_after_chunks = true});
  std::string received;
  auto response = transport(config_for(server_))->stream(get("/watch"), [&](std::string_view chunk) {
    received += chunk;
    return true;
  }, {});
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message, HasSubstr("context test-ctx: GET " + server_.url() + "/watch: "));
  EXPECT_EQ(received, "{\"type\":\"ADDED\"}\n");  // once: the caller resumes, the transport does not resend
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(CurlTransportTest, StreamIsRetriedBeforeAnyData) {
  server_.enqueue({.status = 429, .headers = {{"Retry-After", "0"}}});
  server_.enqueue({.status = 200, .chunks = {"event\n"}});
  std::string received;
  auto response = transport(config_for(server_))->stream(get("/watch"), [&](std::string_view chunk) {
    received += chunk;
    return true;
  }, {});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(received, "event\n");
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(CurlTransportTest, StreamIdleTimeoutIsAnError) {
  server_.enqueue({.status = 200, .chunks = {"only chunk\n"}, .hold_open_after_chunks = true});
  auto started = SteadyClock::now();
  auto response = transport(config_for(server_))->stream(get("/watch", milliseconds(300)),
                                                          [](std::string_view) { return true; }, {});
  ASSERT_FALSE(response);
  EXPECT_THAT(response.error().message, HasSubstr("context test-ctx: GET " + server_.url() + "/watch: no data for 300 ms"));
  EXPECT_EQ(response.error().retry, Retry::kYes);
  EXPECT_LT(since(started), milliseconds(1500));
}

TEST_F(CurlTransportTest, StreamErrorStatusComesBackWithItsBody) {
  const std::string status_body = R"({"kind":"Status","code":410,"reason":"Expired"})";
  server_.enqueue({.status = 410, .body = status_body});
  bool called = false;
  auto response = transport(config_for(server_))->stream(get("/watch"), [&](std::string_view) {
    called = true;
    return true;
  }, {});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 410);
  EXPECT_EQ(response->body, status_body);
  EXPECT_FALSE(called);
}

TEST_F(CurlTransportTest, BearerTokenFromAFileFollowsRotation) {
  fs::path dir = temp_dir();
  ASSERT_TRUE(write_file_atomic(dir / "token", "token-one"));
  server_.set_required_token("token-one");
  CurlTransportConfig config = config_for(server_);
  // Checked before every request (interval 0), as if the interval had passed.
  config.credentials = std::make_shared<TokenFileSource>(dir / "token", "", SystemClock::instance(), milliseconds(0));
  auto t = transport(config);
  auto first = t->send(get("/api"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);

  ASSERT_TRUE(write_file_atomic(dir / "token", "token-two"));
  server_.set_required_token("token-two");
  auto second = t->send(get("/api"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(server_.requests().back().header("authorization"), "Bearer token-two");
}

TEST_F(CurlTransportTest, A401RefreshesTheTokenOnceAndResends) {
  fs::path dir = temp_dir();
  ASSERT_TRUE(write_file_atomic(dir / "token", "token-one"));
  CurlTransportConfig config = config_for(server_);
  config.credentials = std::make_shared<TokenFileSource>(dir / "token", "", SystemClock::instance(), std::chrono::hours(1));
  auto t = transport(config);
  ASSERT_EQ(t->send(get("/api"))->status, 200);

  ASSERT_TRUE(write_file_atomic(dir / "token", "token-two"));  // not looked at for an hour...
  server_.set_required_token("token-two");
  auto response = t->send(get("/api"));  // ...unless the server refuses the old one
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].header("authorization"), "Bearer token-one");
  EXPECT_EQ(requests[2].header("authorization"), "Bearer token-two");

  server_.set_required_token("token-three");  // a refusal a fresh read cannot fix: the 401 is the answer
  auto refused = t->send(get("/api"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(server_.requests().size(), 4u);
}

TEST_F(CurlTransportTest, A401RunsTheExecPluginAgain) {
  fs::path dir = temp_dir();
  fs::path plugin = dir / "plugin";
  ASSERT_TRUE(write_file_atomic(plugin, R"(#!/bin/sh
n=$(cat "$TEST_DIR/runs" 2>/dev/null || echo 0)
n=$((n + 1))
echo $n > "$TEST_DIR/runs"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-%s"}}' "$n"
)"));
  fs::permissions(plugin, fs::perms::owner_all);
  ExecConfig exec;
  exec.api_version = "client.authentication.k8s.io/v1";
  exec.command = plugin.string();
  exec.interactive_mode = ExecInteractiveMode::kNever;
  exec.env = {{"TEST_DIR", dir.string()}};
  ExecPluginOptions options;
  options.stdin_is_terminal = false;
  server_.set_required_token("token-2");  // the first token the plugin gives is already revoked
  CurlTransportConfig config = config_for(server_);
  config.credentials = std::make_shared<ExecCredentialSource>(exec, options, SystemClock::instance());
  auto response = transport(config)->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(CurlTransportTest, TokensNeverAppearInErrors) {
  const std::string secret = "s3cr3t-bearer-token-value";
  CurlTransportConfig refused = config_for(server_);
  refused.server = "https://127.0.0.1:" + std::to_string(closed_port());
  refused.credentials = std::make_shared<StaticTokenSource>(secret);
  refused.retry = RetryPolicy::none();
  auto a = transport(refused)->send(get("/api"));
  ASSERT_FALSE(a);
  EXPECT_THAT(a.error().message, Not(HasSubstr(secret)));

  TestPki other("another-ca");
  CurlTransportConfig untrusted = config_for(server_);
  untrusted.ca_pem = other.ca_pem();
  untrusted.credentials = std::make_shared<StaticTokenSource>(secret);
  auto b = transport(untrusted)->send(get("/api"));
  ASSERT_FALSE(b);
  EXPECT_THAT(b.error().message, Not(HasSubstr(secret)));

  server_.enqueue({.status = 200, .delay = milliseconds(2000)});
  CurlTransportConfig slow = config_for(server_);
  slow.credentials = std::make_shared<StaticTokenSource>(secret);
  auto c = transport(slow)->send(get("/api", milliseconds(200)));
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, Not(HasSubstr(secret)));
  EXPECT_EQ(server_.requests().back().header("authorization"), "Bearer " + secret);
}

TEST_F(CurlTransportTest, InsecureSkipTlsVerifyWorksAndWarnsOncePerContext) {
  std::vector<std::string> warnings;
  CurlTransportConfig config = config_for(server_, "insecure-ctx");
  config.ca_pem.clear();
  config.insecure_skip_tls_verify = true;
  config.warn = [&](const std::string& message) { warnings.push_back(message); };
  auto t = transport(config);
  auto response = t->send(get("/api"));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("WARNING: context insecure-ctx: insecure-skip-tls-verify"));
  auto again = transport(config);  // the same context again: no second warning
  EXPECT_EQ(warnings.size(), 1u);
}

}  // namespace
}  // namespace pier::kube
