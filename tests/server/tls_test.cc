#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "http_client.h"
#include "server/tls_context.h"
#include "server_fixture.h"
#include "test_pki.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class TlsTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-tls-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    auto server = pki_.server();
    files_.certificate_file = pier::testing::write_test_file(dir_, "tls.crt", server.certificate_pem);
    files_.key_file = pier::testing::write_test_file(dir_, "tls.key", server.key_pem);
    router_.get("/hello", [](const Request&) { return Response::json(200, {{"hello", "tls"}}); }, Access::anyone());
  }
  void TearDown() override {
    testing::ServerTest::TearDown();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void start_tls() {
    ServerOptions options = test_options();
    options.tls = files_;
    start(options);
  }

  pier::testing::TestPki pki_;
  fs::path dir_;
  TlsFiles files_;
};

TEST_F(TlsTest, ServesHttpsThatAVerifyingClientAccepts) {
  start_tls();
  testing::ClientRequest request;
  request.url = url("/hello", "https");
  request.ca_pem = pki_.ca_pem();
  auto response = testing::send(request);
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, R"({"hello":"tls"})");

  // Also by name: the certificate names localhost.
  request.url = "https://localhost:" + std::to_string(port_) + "/hello";
  EXPECT_EQ(testing::send(request).status, 200);
}

TEST_F(TlsTest, AClientTrustingAnotherCaRefuses) {
  start_tls();
  pier::testing::TestPki other("another-ca");
  testing::ClientRequest request;
  request.url = url("/hello", "https");
  request.ca_pem = other.ca_pem();
  auto response = testing::send(request);
  EXPECT_EQ(response.status, 0);
  EXPECT_THAT(response.error, HasSubstr("certificate"));
}

TEST_F(TlsTest, TlsOlderThan12IsRefused) {
  start_tls();
  testing::ClientRequest request;
  request.url = url("/hello", "https");
  request.ca_pem = pki_.ca_pem();
  request.max_tls_version = static_cast<long>(CURL_SSLVERSION_TLSv1_0) | static_cast<long>(CURL_SSLVERSION_MAX_TLSv1_1);
  EXPECT_EQ(testing::send(request).status, 0);
}

TEST_F(TlsTest, PlainHttpToTheTlsPortGetsNothingUseful) {
  start_tls();
  auto response = testing::get(url("/hello"));
  EXPECT_NE(response.status, 200);
}

TEST_F(TlsTest, SlowHandshakeIsCutOff) {
  ServerOptions options = test_options();
  options.tls = files_;
  options.header_timeout = std::chrono::milliseconds(200);
  start(options);
  testing::RawConnection silent(port_);  // connects, never says hello
  EXPECT_TRUE(silent.closed_within(std::chrono::seconds(2)));
}

TEST_F(TlsTest, UnreadableOrMismatchedFilesAreClearErrors) {
  auto missing = make_tls_server_context({(dir_ / "nope.crt").string(), files_.key_file});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(missing.error().message, HasSubstr("nope.crt"));

  auto other_key = pki_.client("someone");
  std::string wrong_key = pier::testing::write_test_file(dir_, "other.key", other_key.key_pem);
  auto mismatched = make_tls_server_context({files_.certificate_file, wrong_key});
  ASSERT_FALSE(mismatched);
  EXPECT_THAT(mismatched.error().message, HasSubstr("does not match"));

  ServerOptions options = test_options();
  options.tls = TlsFiles{files_.key_file, files_.key_file};  // a key where the certificate should be
  HttpServer server(options, router_);
  auto port = server.start();
  ASSERT_FALSE(port);
  EXPECT_THAT(port.error().message, HasSubstr("tls certificate"));
}

}  // namespace
}  // namespace pier::server
