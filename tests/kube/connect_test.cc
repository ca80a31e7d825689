#include "kube/connect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"
#include "https_test_server.h"
#include "kube/base64.h"
#include "test_pki.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class ConnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-connect-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sa");
    options_.environment = {};
    options_.environment.home = (dir_ / "home").string();
    options_.in_cluster = {};
    options_.in_cluster.account_dir = dir_ / "sa";
    options_.transport.exec.stdin_is_terminal = false;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& relative, const std::string& text) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    EXPECT_TRUE(write_file_atomic(path, text));
    return path;
  }

  void pretend_to_be_a_pod() {
    options_.in_cluster.service_host = "10.96.0.1";
    options_.in_cluster.service_port = "443";
    write("sa/token", "pod-token");
    write("sa/ca.crt", "CA");
    write("sa/namespace", "jobs");
  }

  fs::path dir_;
  ConnectOptions options_;
};

constexpr const char* kConfig = R"(current-context: a
clusters:
- {name: a, cluster: {server: "https://a.example:6443"}}
- {name: b, cluster: {server: "https://b.example:6443"}}
contexts:
- {name: a, context: {cluster: a, namespace: apps}}
- {name: b, context: {cluster: b}}
)";

TEST_F(ConnectTest, HomeKubeconfigAndCurrentContext) {
  write("home/.kube/config", kConfig);
  auto config = choose_cluster(options_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->context_name, "a");
  EXPECT_EQ(config->namespace_name, "apps");
}

TEST_F(ConnectTest, ContextOptionAndKubeconfigOption) {
  auto path = write("elsewhere/kc", kConfig);
  options_.kubeconfig = path.string();
  options_.context = "b";
  auto config = choose_cluster(options_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->context_name, "b");
  EXPECT_EQ(config->server, "https://b.example:6443");
}

TEST_F(ConnectTest, KubeconfigEnvironmentList) {
  auto first = write("one", "current-context: b\n");
  auto second = write("two", kConfig);
  options_.environment.kubeconfig = first.string() + ":" + second.string();
  auto config = choose_cluster(options_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->context_name, "b");  // current-context from the first file, context from the second
}

TEST_F(ConnectTest, InClusterWhenThereIsNoKubeconfig) {
  pretend_to_be_a_pod();
  auto config = choose_cluster(options_);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->context_name, "in-cluster");
  EXPECT_EQ(config->namespace_name, "jobs");
  // A kubeconfig, when present, wins.
  write("home/.kube/config", kConfig);
  EXPECT_EQ(choose_cluster(options_)->context_name, "a");
}

TEST_F(ConnectTest, NoKubeconfigOutsideAPodIsAClearError) {
  auto config = choose_cluster(options_);
  ASSERT_FALSE(config);
  EXPECT_EQ(exit_code_for(config.error()), 2);
  EXPECT_THAT(config.error().message, HasSubstr("no kubeconfig"));
  EXPECT_THAT(config.error().message, HasSubstr("--kubeconfig"));
}

TEST_F(ConnectTest, MissingExplicitKubeconfigIsNotFound) {
  pretend_to_be_a_pod();  // an explicit --kubeconfig never falls back
  options_.kubeconfig = (dir_ / "missing").string();
  auto config = choose_cluster(options_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
}

TEST_F(ConnectTest, TokenWinsOverExecAndTokenFileOverToken) {
  ClusterConfig config;
  config.context_name = "x";
  config.server = "https://h:1";
  config.token = "static";
  config.exec = ExecConfig{"client.authentication.k8s.io/v1", "/bin/false"};
  auto source = make_credential_source(config, "", options_.transport);
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->describe(), "token");
  config.token_file = write("tok", "from-file").string();
  source = make_credential_source(config, "", options_.transport);
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->credential()->bearer_token, "from-file");
  config.token.clear();
  config.token_file.clear();
  source = make_credential_source(config, "", options_.transport);
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->describe(), "exec plugin \"/bin/false\"");
}

TEST_F(ConnectTest, AuthProviderIsRefusedWithAPointerToExec) {
  ClusterConfig config;
  config.context_name = "gke";
  config.user_name = "me";
  config.server = "https://h:1";
  config.auth_provider = "gcp";
  auto source = make_credential_source(config, "", options_.transport);
  ASSERT_FALSE(source);
  EXPECT_THAT(source.error().message, HasSubstr("auth-provider \"gcp\""));
  EXPECT_THAT(source.error().message, HasSubstr("exec credential plugin"));
}

TEST_F(ConnectTest, MissingCertificateFileNamesContextAndField) {
  ClusterConfig config;
  config.context_name = "prod";
  config.source = "/home/ops/.kube/config";
  config.server = "https://h:1";
  config.certificate_authority.file = (dir_ / "nope.crt").string();
  auto transport = connect(config, options_.transport);
  ASSERT_FALSE(transport);
  EXPECT_EQ(transport.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(transport.error().message,
              HasSubstr("context prod (/home/ops/.kube/config): certificate-authority: " + (dir_ / "nope.crt").string()));
}

TEST_F(ConnectTest, ConnectsThroughAKubeconfigEndToEnd) {
  pier::testing::TestPki pki;
  pier::testing::HttpsTestServer server({.certificate = pki.server(), .client_ca_pem = pki.ca_pem(),
                                         .required_token = "kube-token"});
  auto client = pki.client("ops");
  write("certs/ca.crt", pki.ca_pem());
  write("certs/ops.key", client.key_pem);
  auto path = write("kc", "current-context: local\n"
                          "clusters:\n- name: local\n  cluster:\n    server: " + server.url() + "\n"
                          "    certificate-authority: certs/ca.crt\n"
                          "users:\n- name: ops\n  user:\n"
                          "    client-certificate-data: " + base64_encode(client.certificate_pem) + "\n"
                          "    client-key: certs/ops.key\n"
                          "    token: kube-token\n"
                          "contexts:\n- name: local\n  context: {cluster: local, user: ops, namespace: web}\n");
  options_.kubeconfig = path.string();
  auto connection = connect(options_);
  ASSERT_TRUE(connection) << connection.error().message;
  EXPECT_EQ(connection->config.namespace_name, "web");
  EXPECT_EQ(connection->transport->describe(), "context local (" + server.url() + ")");
  HttpRequest request;
  request.path = "/version";
  auto response = connection->transport->send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace pier::kube
