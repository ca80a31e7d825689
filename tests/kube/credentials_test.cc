#include "kube/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

// 2024-05-01 12:00:00 UTC
const auto kWallStart = std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + std::chrono::hours(12);

class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_now() const override { return wall_; }
  void advance(std::chrono::milliseconds by) {
    steady_ += by;
    wall_ += by;
  }

 private:
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1)};
  std::chrono::system_clock::time_point wall_{kWallStart};
};

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-credentials-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    EXPECT_TRUE(write_file_atomic(path, text));
    return path;
  }

  // A shell script as an exec plugin.
  std::string script(const std::string& name, const std::string& body) {
    fs::path path = write(name, "#!/bin/sh\n" + body);
    fs::permissions(path, fs::perms::owner_all);
    return path.string();
  }

  ExecConfig exec_config(const std::string& command) {
    ExecConfig config;
    config.api_version = "client.authentication.k8s.io/v1";
    config.command = command;
    config.interactive_mode = ExecInteractiveMode::kNever;
    config.env = {{"TEST_DIR", dir_.string()}};
    return config;
  }

  ExecPluginOptions options(milliseconds timeout = milliseconds(10'000)) {
    ExecPluginOptions o;
    o.timeout = timeout;
    o.stdin_is_terminal = false;
    return o;
  }

  fs::path dir_;
  FakeClock clock_;
};

// Prints an ExecCredential whose token counts the runs: token-1, token-2, ...
constexpr const char* kCountingPlugin = R"(n=$(cat "$TEST_DIR/runs" 2>/dev/null || echo 0)
n=$((n + 1))
echo $n > "$TEST_DIR/runs"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-%s","expirationTimestamp":"2024-05-01T12:10:00Z"}}\n' "$n"
)";

TEST_F(CredentialsTest, StaticToken) {
  StaticTokenSource source("abc");
  EXPECT_EQ(source.credential()->bearer_token, "abc");
  EXPECT_FALSE(source.refresh_after_unauthorized({"abc", "", ""}));
}

TEST_F(CredentialsTest, TokenFileIsReReadAfterRotation) {
  auto file = write("token", "first-token\n");
  TokenFileSource source(file, "", clock_, milliseconds(5000));
  EXPECT_EQ(source.credential()->bearer_token, "first-token");  // trailing newline trimmed

  ASSERT_TRUE(write_file_atomic(file, "second-token"));  // as the kubelet does: a new file renamed over
  clock_.advance(milliseconds(1000));
  EXPECT_EQ(source.credential()->bearer_token, "first-token");  // not checked again yet
  clock_.advance(milliseconds(4000));
  EXPECT_EQ(source.credential()->bearer_token, "second-token");
}

TEST_F(CredentialsTest, TokenFileIsCheckedAtOnceAfterA401) {
  auto file = write("token", "old");
  TokenFileSource source(file, "", clock_);
  auto used = source.credential();
  ASSERT_TRUE(used);
  ASSERT_TRUE(write_file_atomic(file, "new"));
  EXPECT_TRUE(source.refresh_after_unauthorized(*used));
  EXPECT_EQ(source.credential()->bearer_token, "new");
  // Unchanged file: another attempt would be refused again.
  EXPECT_FALSE(source.refresh_after_unauthorized(*source.credential()));
}

TEST_F(CredentialsTest, TokenFileKeepsTheLastGoodTokenWhileUnreadable) {
  auto file = write("token", "good");
  TokenFileSource source(file, "", clock_, milliseconds(0));
  EXPECT_EQ(source.credential()->bearer_token, "good");
  fs::remove(file);
  EXPECT_EQ(source.credential()->bearer_token, "good");
}

TEST_F(CredentialsTest, MissingTokenFileUsesTheFallbackOrFails) {
  TokenFileSource with_fallback(dir_ / "missing", "kubeconfig-token", clock_);
  EXPECT_EQ(with_fallback.credential()->bearer_token, "kubeconfig-token");

  TokenFileSource without(dir_ / "missing", "", clock_);
  auto credential = without.credential();
  ASSERT_FALSE(credential);
  EXPECT_EQ(credential.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(credential.error().message, HasSubstr((dir_ / "missing").string()));
}

TEST_F(CredentialsTest, ExecPluginGetsArgsEnvAndExecInfo) {
  auto command = script("plugin", R"(printf '%s|%s|%s' "$1" "$PROFILE" "$KUBERNETES_EXEC_INFO" > "$TEST_DIR/seen"
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-123"}}'
)");
  ExecConfig config = exec_config(command);
  config.args = {"--cluster=prod"};
  config.env.emplace_back("PROFILE", "ops");
  config.provide_cluster_info = true;
  ExecPluginOptions opts = options();
  opts.cluster_info = {{"server", "https://10.0.0.1:6443"}, {"config", {{"audience", "prod"}}}};
  ExecCredentialSource source(config, opts, clock_);
  auto credential = source.credential();
  ASSERT_TRUE(credential) << credential.error().message;
  EXPECT_EQ(credential->bearer_token, "tok-123");

  auto seen = read_file(dir_ / "seen");
  ASSERT_TRUE(seen);
  auto first_bar = seen->find('|');
  auto second_bar = seen->find('|', first_bar + 1);
  EXPECT_EQ(seen->substr(0, first_bar), "--cluster=prod");
  EXPECT_EQ(seen->substr(first_bar + 1, second_bar - first_bar - 1), "ops");
  auto info = nlohmann::json::parse(seen->substr(second_bar + 1));
  EXPECT_EQ(info["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_EQ(info["spec"]["cluster"]["server"], "https://10.0.0.1:6443");
  EXPECT_EQ(info["spec"]["cluster"]["config"]["audience"], "prod");
}

TEST_F(CredentialsTest, ExecClusterInfoOnlyWhenAskedFor) {
  auto command = script("plugin", R"(printf '%s' "$KUBERNETES_EXEC_INFO" > "$TEST_DIR/seen"
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'
)");
  ExecPluginOptions opts = options();
  opts.cluster_info = {{"server", "https://10.0.0.1:6443"}};
  ExecCredentialSource source(exec_config(command), opts, clock_);
  ASSERT_TRUE(source.credential());
  auto info = nlohmann::json::parse(*read_file(dir_ / "seen"));
  EXPECT_FALSE(info["spec"].contains("cluster"));
}

TEST_F(CredentialsTest, ExecCredentialIsCachedUntilItExpires) {
  ExecCredentialSource source(exec_config(script("plugin", kCountingPlugin)), options(), clock_);
  EXPECT_EQ(source.credential()->bearer_token, "token-1");
  clock_.advance(std::chrono::minutes(5));
  EXPECT_EQ(source.credential()->bearer_token, "token-1");  // expires at 12:10
  clock_.advance(std::chrono::minutes(6));
  EXPECT_EQ(source.credential()->bearer_token, "token-2");
}

TEST_F(CredentialsTest, ExecPluginRunsAgainAfterA401) {
  ExecCredentialSource source(exec_config(script("plugin", kCountingPlugin)), options(), clock_);
  auto first = source.credential();
  ASSERT_TRUE(first);
  EXPECT_TRUE(source.refresh_after_unauthorized(*first));
  EXPECT_EQ(source.credential()->bearer_token, "token-2");
  // A second thread's 401 with the already replaced credential does not run the plugin again.
  EXPECT_TRUE(source.refresh_after_unauthorized(*first));
  EXPECT_EQ(source.credential()->bearer_token, "token-2");
}

TEST_F(CredentialsTest, ExecPluginMayReturnAClientCertificate) {
  auto command = script("plugin", R"(cat <<'EOF'
{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
 "status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
           "clientKeyData":"-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n"}}
EOF
)");
  ExecConfig config = exec_config(command);
  config.api_version = "client.authentication.k8s.io/v1beta1";
  ExecCredentialSource source(config, options(), clock_);
  auto credential = source.credential();
  ASSERT_TRUE(credential) << credential.error().message;
  EXPECT_EQ(credential->bearer_token, "");
  EXPECT_THAT(credential->client_certificate_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(credential->client_key_pem, HasSubstr("BEGIN PRIVATE KEY"));
}

TEST_F(CredentialsTest, FailingPluginNamesCommandStatusAndInstallHint) {
  auto command = script("plugin", "echo 'login expired' >&2\nexit 3\n");
  ExecConfig config = exec_config(command);
  config.install_hint = "Install it with: apt-get install get-token";
  ExecCredentialSource source(config, options(), clock_);
  auto credential = source.credential();
  ASSERT_FALSE(credential);
  EXPECT_EQ(credential.error().message,
            "exec plugin \"" + command + "\": exited with status 3\nInstall it with: apt-get install get-token");
}

TEST_F(CredentialsTest, MissingPluginIsNotFoundWithInstallHint) {
  ExecConfig config = exec_config((dir_ / "no-such-plugin").string());
  config.install_hint = "see the wiki";
  ExecCredentialSource source(config, options(), clock_);
  auto credential = source.credential();
  ASSERT_FALSE(credential);
  EXPECT_EQ(credential.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(credential.error().message, HasSubstr("no-such-plugin\": cannot run: not found"));
  EXPECT_THAT(credential.error().message, HasSubstr("see the wiki"));
}

TEST_F(CredentialsTest, BadPluginOutputNeverShowsTheToken) {
  struct Case {
    std::string output;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"s3cr3t-token")",
       "is not an ExecCredential JSON object"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"s3cr3t-token"}})",
       "answered with apiVersion \"client.authentication.k8s.io/v1beta1\" but the kubeconfig asks for"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})", "has no status"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})",
       "neither status.token nor status.clientCertificateData"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"s3cr3t-token","expirationTimestamp":"tomorrow"}})",
       "status.expirationTimestamp \"tomorrow\" is not an RFC 3339 time"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    auto output = write("output-" + std::to_string(i), cases[i].output);
    ExecCredentialSource source(exec_config(script("plugin-" + std::to_string(i), "cat '" + output.string() + "'\n")),
                                options(), clock_);
    auto credential = source.credential();
    ASSERT_FALSE(credential) << i;
    EXPECT_THAT(credential.error().message, HasSubstr(cases[i].expected)) << i;
    EXPECT_THAT(credential.error().message, Not(HasSubstr("s3cr3t"))) << i;
  }
}

TEST_F(CredentialsTest, SlowPluginIsKilledAtTheTimeout) {
  auto command = script("plugin", "exec sleep 30\n");
  ExecCredentialSource source(exec_config(command), options(milliseconds(200)), clock_);
  auto started = std::chrono::steady_clock::now();
  auto credential = source.credential();
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(credential);
  EXPECT_EQ(credential.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(credential.error().message, HasSubstr("no answer within 200 ms"));
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(CredentialsTest, AlwaysInteractivePluginNeedsATerminal) {
  ExecConfig config = exec_config(script("plugin", kCountingPlugin));
  config.interactive_mode = ExecInteractiveMode::kAlways;
  ExecCredentialSource source(config, options(), clock_);
  auto credential = source.credential();
  ASSERT_FALSE(credential);
  EXPECT_THAT(credential.error().message, HasSubstr("needs a terminal"));
  EXPECT_FALSE(fs::exists(dir_ / "runs"));
}

TEST(Rfc3339Test, ParsesKubernetesTimestamps) {
  using namespace std::chrono;
  const auto base = sys_days(year(2024) / 5 / 1) + hours(12);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00Z"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.5Z"), base + milliseconds(500));
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:00:00+02:00"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T11:30:00-00:30"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00"), std::nullopt);  // no zone
  EXPECT_EQ(parse_rfc3339("2024-02-30T12:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2024-05-01 12:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339(""), std::nullopt);
}

}  // namespace
}  // namespace pier::kube
