// ConsoleClient's requests and errors against the real console, started in
// this process (tests/console/console_fixture.h: SQLite in a temporary
// directory, the bundled catalog, a gitops target "local"), over HTTP and
// HTTPS on 127.0.0.1. Faults the console does not produce are in
// server_faults_test.cc.
#include "console_client/console_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "closed_port.h"
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "console_client/api_paths.h"
#include "console_fixture.h"
#include "store/store.h"
#include "test_pki.h"

namespace pier::console_client {
namespace {

using nlohmann::json;
using pier::console::testing::ConsoleUnderTest;
using pier::console::testing::deploy_body;
using pier::console::testing::jetty_values;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class ConsoleClientTest : public ::testing::Test {
 protected:
  ConsoleClient client() { return client_with(console_.admin_token()); }
  ConsoleClient client_with(std::string token) {
    auto opened =
        ConsoleClient::open(ClientOptions{.server_url = console_.base(), .token = std::move(token), .timeout = 10s});
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }

  ConsoleUnderTest console_{{}};
};

using pier::testing::closed_port;

TEST_F(ConsoleClientTest, GetSendsTheTokenAndReturnsTheJson) {
  auto answer = client().get("/api/v1/releases?limit=500");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json::parse(R"({"items": [], "next": null})"));
}

TEST_F(ConsoleClientTest, PostSendsJsonAndTheAnswerIsJson) {
  auto c = client();
  json body = deploy_body(jetty_values("2.3.1", 3), {{"message", "caf\xC3\xA9 \xE2\x9C\x93"}});
  auto started = c.post(release_path({"local", "shop", "web"}, "deploy"), body);
  ASSERT_TRUE(started) << started.error().describe();
  EXPECT_EQ((*started)["revision"]["revision"], 1);
  EXPECT_EQ((*started)["operation"]["kind"], "install");
  std::string id = (*started)["operation"]["id"];
  EXPECT_EQ(console_.wait_operation(id)["status"], "succeeded");

  auto history = c.get(release_path({"local", "shop", "web"}, "revisions"));
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0]["message"], "caf\xC3\xA9 \xE2\x9C\x93");  // UTF-8 both ways
  EXPECT_EQ((*history)[0]["status"], "deployed");
  auto revision = c.get(release_path({"local", "shop", "web"}, "revisions/1"));
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ((*revision)["values"]["jetty"]["replicas"], 3) << revision->dump();
}

TEST_F(ConsoleClientTest, PathSegmentsArriveAsTheyWereMeant) {
  auto c = client();
  ASSERT_TRUE(c.post(release_path({"local", "shop", "web"}, "deploy"), deploy_body(jetty_values())));
  auto release = c.get(release_path({"local", "shop", "web"}, ""));
  ASSERT_TRUE(release) << release.error().message;
  EXPECT_EQ((*release)["name"], "web");

  // Segments with '/', "..", spaces, '?', '#' and '%' reach the console as one
  // segment each: its 404 names the release it looked for.
  auto odd = c.get(release_path({"a/b", "..", "web ?#%"}, "revisions"));
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(odd.error().message, "release a/b/../web ?#% not found");
}

TEST_F(ConsoleClientTest, WithoutATokenTheErrorSaysHowToGiveOne) {
  auto answer = client_with("").get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kDenied);
  EXPECT_THAT(answer.error().message, HasSubstr("(no token was given: use --token-file FILE or the environment "
                                                "variable PIER_TOKEN)"));
}

TEST_F(ConsoleClientTest, ARefusedTokenIsDenied) {
  const std::string wrong = "pier_not-the-right-token-1234567890";
  auto answer = client_with(wrong).get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kDenied);
  EXPECT_THAT(answer.error().describe(), Not(HasSubstr(wrong)));
  EXPECT_THAT(answer.error().describe(), Not(HasSubstr("no token was given")));
}

TEST_F(ConsoleClientTest, TheConsolesErrorsBecomeErrors) {
  auto c = client();
  const ReleaseRef web{"local", "shop", "web"};

  // 422: every problem at its JSON pointer.
  json bad = {{"jetty", {{"image", "hello-web"}, {"version", "2.3.1"}, {"replicas", -1}, {"port", "http"}}}};
  auto invalid = c.post(release_path(web, "deploy"), deploy_body(bad));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidInput);
  std::vector<std::string> locations;
  for (const auto& detail : invalid.error().details) locations.push_back(detail.location);
  EXPECT_THAT(locations, ::testing::IsSupersetOf({"/jetty/replicas", "/jetty/port"})) << invalid.error().describe();

  // 400: a body that is not a deploy request.
  auto malformed = c.post(release_path(web, "deploy"), json::array({1, 2}));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidInput);

  // 404: an unknown app, with the console's suggestion; an unknown release.
  auto app = c.post(release_path(web, "deploy"), {{"app", "jety"}, {"values", jetty_values()}});
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(app.error().message, HasSubstr("did you mean \"jetty\""));
  auto missing = c.get(release_path({"local", "shop", "api"}, "revisions"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "release local/shop/api not found");

  // 409: another process holds the release.
  auto other = store::open_store(console_.database_url());
  ASSERT_TRUE(other) << other.error().describe();
  auto held = (*other)->begin_operation(
      {.key = {"local", "shop", "web"}, .kind = "upgrade", .user = "bob", .holder = "pier-other/77"});
  ASSERT_TRUE(held) << held.error().describe();
  auto busy = c.post(release_path(web, "deploy"), deploy_body(jetty_values()));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kConflict);
  EXPECT_THAT(busy.error().message, HasSubstr("bob"));
  EXPECT_THAT(busy.error().message, HasSubstr("pier-other/77"));

  // 403: a viewer may not deploy.
  auto viewer = client_with(console_.token_for("vera", "viewer"));
  auto denied = viewer.post(release_path({"local", "shop", "api"}, "deploy"), deploy_body(jetty_values()));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kDenied);

  // No such route.
  auto no_route = c.get("/api/v1/no-such-thing");
  ASSERT_FALSE(no_route);
  EXPECT_EQ(no_route.error().code, ErrorCode::kNotFound);
}

TEST(ConsoleClientWithoutConsole, NobodyListeningIsUnavailableAndWorthRetrying) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  const std::string token = "pier_some-token-0123456789";
  auto c = ConsoleClient::open(ClientOptions{.server_url = url, .token = token});
  ASSERT_TRUE(c);
  auto answer = c->get("/api/v1/releases");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().retry, Retry::kYes);
  EXPECT_THAT(answer.error().message, HasSubstr("cannot connect to " + url + ": connection refused"));
  EXPECT_THAT(answer.error().message, Not(HasSubstr(token)));
}

TEST(ConsoleClientWithoutConsole, AServerUrlThatIsNotHttpIsRefused) {
  auto c = ConsoleClient::open(ClientOptions{.server_url = "pier.example:8080"});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidInput);
}

// The console over HTTPS with a certificate of the test's own CA.
class ConsoleClientTlsTest : public ::testing::Test {
 protected:
  static pier::console::testing::ConsoleUnderTest::Setup https_setup(const std::filesystem::path& dir,
                                                                      const pier::testing::TestPki& pki) {
    auto pair = pki.server();
    std::filesystem::create_directories(dir);
    pier::server::TlsFiles tls;
    tls.certificate_file = pier::testing::write_test_file(dir.string(), "tls.crt", pair.certificate_pem);
    tls.key_file = pier::testing::write_test_file(dir.string(), "tls.key", pair.key_pem);
    return {.tls = tls};
  }
  ~ConsoleClientTlsTest() override { std::filesystem::remove_all(pki_dir_); }

  pier::testing::TestPki pki_;
  std::filesystem::path pki_dir_ = pier::console::testing::make_temp_dir("client-tls");
  ConsoleUnderTest console_{https_setup(pki_dir_, pki_)};
  std::string ca_file_ = pier::testing::write_test_file(pki_dir_.string(), "ca.crt", pki_.ca_pem());
};

TEST_F(ConsoleClientTlsTest, TheConsoleIsVerifiedAgainstTheCaFile) {
  ASSERT_TRUE(console_.base().starts_with("https://"));
  auto trusted = ConsoleClient::open(
      ClientOptions{.server_url = console_.base(), .token = console_.admin_token(), .ca_file = ca_file_});
  ASSERT_TRUE(trusted);
  auto answer = trusted->get("/api/v1/releases");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ((*answer)["items"], json::array());
}

TEST_F(ConsoleClientTlsTest, AnUnknownCertificateIsRefusedUnlessVerificationIsOff) {
  auto default_trust = ConsoleClient::open(ClientOptions{.server_url = console_.base(), .token = console_.admin_token()});
  ASSERT_TRUE(default_trust);
  auto refused = default_trust->get("/api/v1/releases");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().retry, Retry::kNo);
  EXPECT_THAT(refused.error().message, HasSubstr("not trusted"));
  EXPECT_THAT(refused.error().message, Not(HasSubstr(console_.admin_token())));

  auto another_ca = pier::testing::write_test_file(pki_dir_.string(), "other-ca.crt",
                                                   pier::testing::TestPki("another-ca").ca_pem());
  auto wrong_ca = ConsoleClient::open(
      ClientOptions{.server_url = console_.base(), .token = console_.admin_token(), .ca_file = another_ca});
  ASSERT_TRUE(wrong_ca);
  EXPECT_FALSE(wrong_ca->get("/api/v1/releases"));

  auto insecure = ConsoleClient::open(ClientOptions{
      .server_url = console_.base(), .token = console_.admin_token(), .insecure_skip_tls_verify = true});
  ASSERT_TRUE(insecure);
  EXPECT_TRUE(insecure->get("/api/v1/releases"));
}

}  // namespace
}  // namespace pier::console_client
