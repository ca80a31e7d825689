// ConsoleClient's requests and errors against a real HTTP server (the
// console's API double on 127.0.0.1).
#include "console_client/console_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "console_api_double.h"
#include "console_client/api_paths.h"
#include "test_pki.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::testing::ConsoleApiDouble;
using server::Request;
using server::Response;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kToken(ConsoleApiDouble::kToken);

class ConsoleClientTest : public ::testing::Test {
 protected:
  ConsoleClient client(std::string token = kToken) {
    auto opened =
        ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = std::move(token), .timeout = 5s});
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }
  void start() { ASSERT_TRUE(api_.start()); }

  ConsoleApiDouble api_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(ConsoleClientTest, GetSendsTheTokenAndReturnsTheJson) {
  api_.get("/api/v1/releases", [](const Request&) {
    return Response::json(200, {{"items", json::array()}, {"next", nullptr}});
  });
  start();
  auto answer = client().get("/api/v1/releases?limit=500");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json::parse(R"({"items": [], "next": null})"));
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/api/v1/releases?limit=500");
  EXPECT_EQ(requests[0].authorization, "Bearer " + kToken);
  EXPECT_EQ(requests[0].accept, "application/json");
}

TEST_F(ConsoleClientTest, PostSendsJson) {
  api_.post("/api/v1/releases/{cluster}/{namespace}/{name}/deploy", [](const Request& request) {
    auto body = request.json_body();
    if (!body) return Response::error(body.error(), 400);
    return Response::json(202, {{"got", *body}, {"type", std::string(request.header("Content-Type").value_or(""))}});
  });
  start();
  json body = {{"app", "jetty"}, {"values", {{"jetty", {{"replicas", 4}}}}}, {"note", "caf\xC3\xA9"}};
  auto answer = client().post(release_path({"prod", "shop", "web"}, "deploy"), body);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ((*answer)["got"], body);
  EXPECT_EQ((*answer)["type"], "application/json");
}

TEST_F(ConsoleClientTest, PathSegmentsArriveAsTheyWereMeant) {
  api_.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions", [](const Request& request) {
    return Response::json(200, {{"cluster", request.param("cluster")},
                                {"namespace", request.param("namespace")},
                                {"name", request.param("name")}});
  });
  start();
  auto answer = client().get(release_path({"a/b", "..", "web ?#%"}, "revisions"));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json({{"cluster", "a/b"}, {"namespace", ".."}, {"name", "web ?#%"}}));
}

TEST_F(ConsoleClientTest, AnEmptyAnswerIsNull) {
  api_.post("/api/v1/nothing", [](const Request&) { return Response::no_content(); });
  start();
  auto answer = client().post("/api/v1/nothing", json::object());
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->is_null());
}

TEST_F(ConsoleClientTest, WithoutATokenTheErrorSaysHowToGiveOne) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::json(200, json::object()); });
  start();
  auto answer = client("").get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kDenied);
  EXPECT_THAT(answer.error().message, HasSubstr("authentication required"));
  EXPECT_THAT(answer.error().message, HasSubstr("--token-file"));
  EXPECT_EQ(api_.requests().size(), 0u);  // refused before the handler
}

TEST_F(ConsoleClientTest, ARefusedTokenIsDeniedAndNeverShown) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::json(200, json::object()); });
  // A careless server (or proxy) that echoes what it got.
  api_.get("/api/v1/echo", [](const Request& request) {
    std::string sent(request.header("Authorization").value_or(""));
    return Response::error(403, "you sent " + sent, {{"header", sent}});
  });
  start();
  auto wrong = client("not-the-right-token-1234").get("/api/v1/releases");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kDenied);
  EXPECT_EQ(wrong.error().message, "invalid or expired token");

  auto echoed = client().get("/api/v1/echo");
  ASSERT_FALSE(echoed);
  EXPECT_EQ(echoed.error().code, ErrorCode::kDenied);
  EXPECT_THAT(echoed.error().describe(), Not(HasSubstr(kToken)));
  EXPECT_THAT(echoed.error().describe(), HasSubstr("you sent Bearer (token)"));
}

TEST_F(ConsoleClientTest, TheServersErrorsBecomeErrors) {
  api_.post("/api/v1/invalid", [](const Request&) {
    return Response::error(422, "values do not match the schema of jetty 1.4.0",
                           {{"/jetty/replicas", "must be >= 1"}, {"/jetty/image", "is required"}});
  });
  api_.post("/api/v1/busy", [](const Request&) {
    return Response::error(409, "release prod/shop/web is being upgraded by bob (operation 41)");
  });
  api_.get("/api/v1/missing",
           [](const Request&) { return Response::error(Error::not_found("release prod/shop/api not found")); });
  api_.get("/api/v1/down", [](const Request&) {
    return Response::error(Error::make(ErrorCode::kUnavailable, "the database is not answering", Retry::kYes));
  });
  api_.get("/api/v1/bug", [](const Request&) { return Response::error(Error::internal("null pointer in x.cc")); });
  start();
  auto c = client();

  auto invalid = c.post("/api/v1/invalid", json::object());
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(
      invalid.error().describe(),
      "values do not match the schema of jetty 1.4.0\n  /jetty/replicas: must be >= 1\n  /jetty/image: is required");

  auto busy = c.post("/api/v1/busy", json::object());
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kConflict);
  EXPECT_EQ(busy.error().message, "release prod/shop/web is being upgraded by bob (operation 41)");

  auto missing = c.get("/api/v1/missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "release prod/shop/api not found");

  auto down = c.get("/api/v1/down");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(down.error().retry, Retry::kYes);

  auto bug = c.get("/api/v1/bug");
  ASSERT_FALSE(bug);
  EXPECT_EQ(bug.error().code, ErrorCode::kInternal);
  EXPECT_EQ(bug.error().message, "internal error");

  auto no_route = c.get("/api/v1/no-such-thing");
  ASSERT_FALSE(no_route);
  EXPECT_EQ(no_route.error().code, ErrorCode::kNotFound);
}

TEST_F(ConsoleClientTest, AnAnswerThatIsNotJsonIsAnError) {
  api_.get("/api/v1/html", [](const Request&) { return Response::text(200, "<html>web UI</html>", "text/html"); });
  start();
  auto answer = client().get("/api/v1/html");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kInternal);
  EXPECT_THAT(answer.error().message, HasSubstr("not JSON"));
}

TEST_F(ConsoleClientTest, NobodyListeningIsUnavailableAndWorthRetrying) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  auto c = ConsoleClient::open(ClientOptions{.server_url = url, .token = kToken});
  ASSERT_TRUE(c);
  auto answer = c->get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().retry, Retry::kYes);
  EXPECT_THAT(answer.error().message, HasSubstr("cannot connect to " + url + ": connection refused"));
  EXPECT_THAT(answer.error().message, Not(HasSubstr(kToken)));
}

TEST_F(ConsoleClientTest, ASlowAnswerTimesOut) {
  api_.get("/api/v1/slow", [](const Request&) {
    std::this_thread::sleep_for(1500ms);
    return Response::json(200, json::object());
  });
  start();
  auto c = ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = kToken, .timeout = 300ms});
  ASSERT_TRUE(c);
  auto answer = c->get("/api/v1/slow");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(answer.error().message, HasSubstr("no answer from " + api_.url() + " within 0.3 s"));
}

TEST_F(ConsoleClientTest, AServerUrlThatIsNotHttpIsRefused) {
  auto c = ConsoleClient::open(ClientOptions{.server_url = "pier.example:8080"});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidInput);
}

class ConsoleClientTlsTest : public ConsoleClientTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pier-console-client-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto pair = pki_.server();
    tls_.certificate_file = pier::testing::write_test_file(dir_, "tls.crt", pair.certificate_pem);
    tls_.key_file = pier::testing::write_test_file(dir_, "tls.key", pair.key_pem);
    ca_file_ = pier::testing::write_test_file(dir_, "ca.crt", pki_.ca_pem());
    api_.get("/api/v1/hello", [](const Request&) { return Response::json(200, {{"hello", "tls"}}); });
    ASSERT_TRUE(api_.start(tls_));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  pier::testing::TestPki pki_;
  std::filesystem::path dir_;
  server::TlsFiles tls_;
  std::string ca_file_;
};

TEST_F(ConsoleClientTlsTest, TheServerIsVerifiedAgainstTheCaFile) {
  auto trusted = ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = kToken, .ca_file = ca_file_});
  ASSERT_TRUE(trusted);
  auto answer = trusted->get("/api/v1/hello");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ((*answer)["hello"], "tls");
}

TEST_F(ConsoleClientTlsTest, AnUnknownCertificateIsRefusedUnlessVerificationIsOff) {
  auto default_trust = ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = kToken});
  ASSERT_TRUE(default_trust);
  auto refused = default_trust->get("/api/v1/hello");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().retry, Retry::kNo);
  EXPECT_THAT(refused.error().message, HasSubstr("not trusted"));
  EXPECT_EQ(api_.requests().size(), 0u);  // the token never left

  auto insecure =
      ConsoleClient::open(ClientOptions{.server_url = api_.url(), .token = kToken, .insecure_skip_tls_verify = true});
  ASSERT_TRUE(insecure);
  EXPECT_TRUE(insecure->get("/api/v1/hello"));
}

}  // namespace
}  // namespace pier::console_client
