#include "console_client/connection_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace pier::console_client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

class ConnectionSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = fs::temp_directory_path() / ("pier-token-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove(token_file_); }
  std::string write_token_file(const std::string& text) {
    std::ofstream(token_file_) << text;
    return token_file_.string();
  }
  fs::path token_file_;
};

TEST_F(ConnectionSettingsTest, DefaultsWhenNothingIsGiven) {
  auto options = resolve_connection({}, environment({}));
  ASSERT_TRUE(options);
  EXPECT_EQ(options->server_url, "http://127.0.0.1:8080");
  EXPECT_EQ(options->token, "");
  EXPECT_FALSE(options->insecure_skip_tls_verify);
}

TEST_F(ConnectionSettingsTest, TheServerFlagWinsOverTheEnvironment) {
  auto from_environment = resolve_connection({}, environment({{"PIER_SERVER", "https://pier.example:8443/"}}));
  ASSERT_TRUE(from_environment);
  EXPECT_EQ(from_environment->server_url, "https://pier.example:8443");
  auto from_flag = resolve_connection({.server = "http://10.0.0.5:8080"},
                                      environment({{"PIER_SERVER", "https://pier.example:8443"}}));
  ASSERT_TRUE(from_flag);
  EXPECT_EQ(from_flag->server_url, "http://10.0.0.5:8080");
}

TEST_F(ConnectionSettingsTest, AServerThatIsNotHttpIsRefused) {
  for (std::string bad : {"pier.example:8443", "ftp://pier", "http://", "https:///"}) {
    auto options = resolve_connection({.server = bad}, environment({}));
    ASSERT_FALSE(options) << bad;
    EXPECT_EQ(options.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(options.error().message, HasSubstr("--server")) << bad;
  }
  auto from_environment = resolve_connection({}, environment({{"PIER_SERVER", "pier:8080"}}));
  ASSERT_FALSE(from_environment);
  EXPECT_THAT(from_environment.error().message, HasSubstr("PIER_SERVER"));
}

TEST_F(ConnectionSettingsTest, TokenOrder) {
  std::string file = write_token_file("  from-file-token\n");
  auto env = environment({{"PIER_TOKEN", "from-env-token"}});
  EXPECT_EQ(resolve_connection({.token = "from-flag-token", .token_file = file}, env)->token, "from-flag-token");
  EXPECT_EQ(resolve_connection({.token_file = file}, env)->token, "from-file-token");
  EXPECT_EQ(resolve_connection({}, env)->token, "from-env-token");
  EXPECT_EQ(resolve_connection({.token_file = file}, environment({}))->token, "from-file-token");
}

TEST_F(ConnectionSettingsTest, TokenFileProblemsNameTheFileNotTheToken) {
  auto missing = resolve_connection({.token_file = "/nonexistent/pier-token"}, environment({}));
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("--token-file"));
  EXPECT_THAT(missing.error().message, HasSubstr("/nonexistent/pier-token"));

  auto empty = resolve_connection({.token_file = write_token_file("\n\n")}, environment({}));
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("empty"));
}

TEST_F(ConnectionSettingsTest, ATokenThatWouldBreakTheHeaderIsRefusedWithoutShowingIt) {
  auto two_lines =
      resolve_connection({.token_file = write_token_file("secret-one\nX-Evil: secret-two\n")}, environment({}));
  ASSERT_FALSE(two_lines);
  EXPECT_EQ(two_lines.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(two_lines.error().message, Not(HasSubstr("secret")));

  auto with_space = resolve_connection({}, environment({{"PIER_TOKEN", "secret one"}}));
  ASSERT_FALSE(with_space);
  EXPECT_THAT(with_space.error().message, HasSubstr("PIER_TOKEN"));
  EXPECT_THAT(with_space.error().message, Not(HasSubstr("secret")));
}

TEST_F(ConnectionSettingsTest, TlsSettingsPassThrough) {
  auto options = resolve_connection(
      {.server = "https://pier:8443", .ca_file = "/etc/pier/ca.crt", .insecure_skip_tls_verify = true},
      environment({}));
  ASSERT_TRUE(options);
  EXPECT_EQ(options->ca_file, "/etc/pier/ca.crt");
  EXPECT_TRUE(options->insecure_skip_tls_verify);
}

}  // namespace
}  // namespace pier::console_client
