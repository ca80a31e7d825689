#include "kube/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"
#include "kube/base64.h"

namespace pier::kube {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pier-kubeconfig-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& relative, const std::string& text) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    EXPECT_TRUE(write_file_atomic(path, text));
    return path;
  }

  fs::path dir_;
};

constexpr const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: certs/ca.crt
    tls-server-name: api.prod.internal
    proxy-url: http://proxy.example:3128
- name: shared
  cluster:
    server: https://first.example:6443
users:
- name: admin
  user:
    client-certificate: certs/admin.crt
    client-key: /abs/admin.key
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: admin
    namespace: web
preferences: {}
some-future-field: ignored
)";

constexpr const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: shared
  cluster:
    server: https://second.example:6443
- name: staging-cluster
  cluster:
    server: staging.example:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: from-the-second-file
- name: robot
  user:
    tokenFile: ../tokens/robot
contexts:
- name: staging
  context:
    cluster: staging-cluster
    user: robot
- name: shared
  context:
    cluster: shared
)";

TEST_F(KubeconfigTest, MergesFilesFirstDefinitionWins) {
  auto first = write("a/config", kFirst);
  auto second = write("b/config", kSecond);
  auto config = load_kubeconfig({first, second});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->current_context, "prod");  // the first file to set it
  EXPECT_EQ(config->current_context_file, first.string());
  ASSERT_EQ(config->clusters.size(), 3u);
  EXPECT_EQ(config->find_cluster("shared")->server, "https://first.example:6443");
  // A user is taken whole from the first file: no token mixed in from the second.
  const KubeconfigUser* admin = config->find_user("admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->token, "");
  EXPECT_EQ(admin->origin.file, first.string());
  EXPECT_NE(config->find_user("robot"), nullptr);
  EXPECT_EQ(config->contexts.size(), 3u);
  EXPECT_EQ(config->files, (std::vector<std::string>{first.string(), second.string()}));
}

TEST_F(KubeconfigTest, RelativePathsResolveAgainstTheirOwnFile) {
  auto first = write("a/config", kFirst);
  auto second = write("b/config", kSecond);
  auto config = load_kubeconfig({first, second});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->find_cluster("prod-cluster")->certificate_authority.file, (dir_ / "a/certs/ca.crt").string());
  EXPECT_EQ(config->find_user("admin")->client_certificate.file, (dir_ / "a/certs/admin.crt").string());
  EXPECT_EQ(config->find_user("admin")->client_key.file, "/abs/admin.key");
  EXPECT_EQ(config->find_user("robot")->token_file, (dir_ / "tokens/robot").string());
}

TEST_F(KubeconfigTest, ResolvesTheCurrentContext) {
  auto first = write("a/config", kFirst);
  auto config = load_kubeconfig({first});
  ASSERT_TRUE(config);
  auto cluster = resolve_context(*config);
  ASSERT_TRUE(cluster) << cluster.error().message;
  EXPECT_EQ(cluster->context_name, "prod");
  EXPECT_EQ(cluster->cluster_name, "prod-cluster");
  EXPECT_EQ(cluster->user_name, "admin");
  EXPECT_EQ(cluster->server, "https://10.0.0.1:6443");
  EXPECT_EQ(cluster->namespace_name, "web");
  EXPECT_EQ(cluster->tls_server_name, "api.prod.internal");
  EXPECT_EQ(cluster->proxy_url, "http://proxy.example:3128");
  EXPECT_EQ(cluster->source, first.string());
  EXPECT_FALSE(cluster->insecure_skip_tls_verify);
}

TEST_F(KubeconfigTest, ContextOptionChoosesAnotherContext) {
  auto config = load_kubeconfig({write("a/config", kFirst), write("b/config", kSecond)});
  ASSERT_TRUE(config);
  auto cluster = resolve_context(*config, "staging");
  ASSERT_TRUE(cluster) << cluster.error().message;
  EXPECT_EQ(cluster->server, "https://staging.example:6443");  // no scheme: https
  EXPECT_TRUE(cluster->insecure_skip_tls_verify);
  EXPECT_EQ(cluster->namespace_name, "default");
  EXPECT_EQ(cluster->token_file, (dir_ / "tokens/robot").string());

  auto anonymous = resolve_context(*config, "shared");  // no user: anonymous
  ASSERT_TRUE(anonymous) << anonymous.error().message;
  EXPECT_EQ(anonymous->token, "");
  EXPECT_TRUE(anonymous->client_certificate.empty());
}

TEST_F(KubeconfigTest, ListsContextsMarkingTheCurrentOne) {
  auto config = load_kubeconfig({write("a/config", kFirst), write("b/config", kSecond)});
  ASSERT_TRUE(config);
  auto contexts = list_contexts(*config);
  ASSERT_EQ(contexts.size(), 3u);
  EXPECT_EQ(contexts[0].name, "prod");
  EXPECT_TRUE(contexts[0].current);
  EXPECT_EQ(contexts[0].server, "https://10.0.0.1:6443");
  EXPECT_EQ(contexts[0].namespace_name, "web");
  EXPECT_EQ(contexts[1].name, "staging");
  EXPECT_FALSE(contexts[1].current);
  EXPECT_EQ(contexts[1].namespace_name, "default");
}

TEST_F(KubeconfigTest, DataFieldsAreBase64Decoded) {
  std::string text = "clusters:\n- name: c\n  cluster:\n    server: https://h:1\n"
                     "    certificate-authority-data: " + base64_encode("CA PEM") + "\n"
                     "users:\n- name: u\n  user:\n"
                     "    client-certificate-data: " + base64_encode("CERT PEM") + "\n"
                     "    client-key-data: " + base64_encode("KEY PEM") + "\n"
                     "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
  auto config = parse_kubeconfig(text, "inline");
  ASSERT_TRUE(config) << config.error().message;
  auto cluster = resolve_context(*config);
  ASSERT_TRUE(cluster) << cluster.error().message;
  EXPECT_EQ(cluster->certificate_authority.data, "CA PEM");
  EXPECT_EQ(cluster->client_certificate.data, "CERT PEM");
  EXPECT_EQ(cluster->client_key.data, "KEY PEM");
}

TEST_F(KubeconfigTest, BadBase64NamesTheFileAndFieldButNotTheValue) {
  auto path = write("config", R"(users:
- name: a
  user: {token: t}
- name: b
  user: {}
- name: c
  user:
    client-key-data: "c2VjcmV0LWtleQ=*not-base64*"
)");
  auto config = load_kubeconfig({path});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(config.error().message, path.string() + ": users[2].user.client-key-data: not valid base64");
  EXPECT_EQ(exit_code_for(config.error()), 2);
}

TEST_F(KubeconfigTest, MalformedYamlHasFileLineColumn) {
  auto path = write("config", "clusters:\n- name: a\n  cluster: {server: [unclosed\n");
  auto config = load_kubeconfig({path});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(config.error().message, ::testing::MatchesRegex(path.string() + ":[0-9]+:[0-9]+: .*"));
}

TEST_F(KubeconfigTest, WrongTypesNameTheField) {
  auto bad_bool = parse_kubeconfig("clusters:\n- name: a\n  cluster: {server: x, insecure-skip-tls-verify: \"yes\"}\n", "f");
  ASSERT_FALSE(bad_bool);
  EXPECT_EQ(bad_bool.error().message, "f: clusters[0].cluster.insecure-skip-tls-verify: expected true or false, found a string");
  auto bad_list = parse_kubeconfig("users: {name: a}\n", "f");
  ASSERT_FALSE(bad_list);
  EXPECT_EQ(bad_list.error().message, "f: users: expected a list, found a mapping");
  auto no_name = parse_kubeconfig("contexts:\n- context: {cluster: a}\n", "f");
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().message, "f: contexts[0].name: missing");
  auto twice = parse_kubeconfig("clusters:\n- name: a\n- name: a\n", "f");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "f: clusters[1].name: \"a\" is defined twice in this file");
  auto not_a_map = parse_kubeconfig("- just a list\n", "f");
  ASSERT_FALSE(not_a_map);
  EXPECT_THAT(not_a_map.error().message, HasSubstr("f: expected a kubeconfig"));
}

TEST_F(KubeconfigTest, EmptyFileIsAnEmptyKubeconfig) {
  auto config = load_kubeconfig({write("config", "# nothing yet\n")});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->contexts.empty());
}

TEST_F(KubeconfigTest, MissingContextNamesTheFilesAndListsTheContexts) {
  auto first = write("a/config", kFirst);
  auto config = load_kubeconfig({first});
  ASSERT_TRUE(config);
  auto missing = resolve_context(*config, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, first.string() + ": context \"nope\" not found (contexts: prod)");
  EXPECT_EQ(exit_code_for(missing.error()), 2);
}

TEST_F(KubeconfigTest, CurrentContextNamingNothingPointsAtCurrentContext) {
  auto path = write("config", "current-context: gone\ncontexts: []\n");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config);
  auto missing = resolve_context(*config);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            path.string() + ": current-context: context \"gone\" not found (no context is defined)");
}

TEST_F(KubeconfigTest, NoCurrentContextAsksForContextOption) {
  auto path = write("config", "contexts:\n- name: a\n  context: {cluster: c}\n");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config);
  auto none = resolve_context(*config);
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("no context chosen"));
  EXPECT_THAT(none.error().message, HasSubstr("--context"));
  EXPECT_THAT(none.error().message, HasSubstr("contexts: a"));
}

TEST_F(KubeconfigTest, MissingClusterOrUserNamesTheContextField) {
  auto path = write("config", R"(clusters:
- name: c
  cluster: {server: "https://h:1"}
contexts:
- name: ok
  context: {cluster: c}
- name: no-cluster
  context: {cluster: elsewhere, user: u}
- name: no-user
  context: {cluster: c, user: ghost}
- name: blank
  context: {user: u}
)");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config);
  auto a = resolve_context(*config, "no-cluster");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, path.string() + ": contexts[1].context.cluster: cluster \"elsewhere\" not found");
  auto b = resolve_context(*config, "no-user");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, path.string() + ": contexts[2].context.user: user \"ghost\" not found");
  auto c = resolve_context(*config, "blank");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, path.string() + ": contexts[3].context.cluster: missing");
}

TEST_F(KubeconfigTest, ClusterChecksAsKubectlMakesThem) {
  auto path = write("config", R"(clusters:
- name: no-server
  cluster: {}
- name: both-ca
  cluster: {server: "https://h:1", certificate-authority: ca.crt, certificate-authority-data: "Q0E="}
- name: insecure-with-ca
  cluster: {server: "https://h:1", certificate-authority-data: "Q0E=", insecure-skip-tls-verify: true}
- name: ftp
  cluster: {server: "ftp://h:1"}
users:
- name: cert-only
  user: {client-certificate-data: "Q0VSVA=="}
contexts:
- {name: no-server, context: {cluster: no-server}}
- {name: both-ca, context: {cluster: both-ca}}
- {name: insecure-with-ca, context: {cluster: insecure-with-ca}}
- {name: ftp, context: {cluster: ftp}}
- {name: cert-only, context: {cluster: both-ca, user: cert-only}}
)");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config) << config.error().message;
  const std::string f = path.string();
  EXPECT_EQ(resolve_context(*config, "no-server").error().message, f + ": clusters[0].cluster.server: missing");
  EXPECT_THAT(resolve_context(*config, "both-ca").error().message,
              HasSubstr(f + ": clusters[1].cluster: certificate-authority and certificate-authority-data are both set"));
  EXPECT_THAT(resolve_context(*config, "insecure-with-ca").error().message,
              HasSubstr(f + ": clusters[2].cluster: insecure-skip-tls-verify and a certificate-authority"));
  EXPECT_THAT(resolve_context(*config, "ftp").error().message,
              HasSubstr(f + ": clusters[3].cluster.server: \"ftp://h:1\" is not an http(s) URL"));
}

TEST_F(KubeconfigTest, ClientCertificateNeedsItsKey) {
  auto config = parse_kubeconfig(R"(clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {client-certificate-data: "Q0VSVA=="}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)", "f");
  ASSERT_TRUE(config);
  auto cluster = resolve_context(*config, "x");
  ASSERT_FALSE(cluster);
  EXPECT_EQ(cluster.error().message, "f: users[0].user: client-certificate is set but neither client-key nor client-key-data");
}

TEST_F(KubeconfigTest, ExecPlugins) {
  auto path = write("a/config", R"(clusters:
- name: c
  cluster:
    server: https://h:1
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: prod}
users:
- name: v1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, prod]
      env: [{name: PROFILE, value: ops}]
      installHint: install get-token from the wiki
      provideClusterInfo: true
      interactiveMode: Never
- name: beta
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws}
- name: alpha
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: aws}
- name: no-command
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1}
contexts:
- {name: v1, context: {cluster: c, user: v1}}
- {name: beta, context: {cluster: c, user: beta}}
- {name: alpha, context: {cluster: c, user: alpha}}
- {name: no-command, context: {cluster: c, user: no-command}}
)");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config) << config.error().message;
  auto v1 = resolve_context(*config, "v1");
  ASSERT_TRUE(v1) << v1.error().message;
  ASSERT_TRUE(v1->exec);
  EXPECT_EQ(v1->exec->command, (dir_ / "a/bin/get-token").string());  // a path: relative to the file
  EXPECT_EQ(v1->exec->args, (std::vector<std::string>{"--cluster", "prod"}));
  ASSERT_EQ(v1->exec->env.size(), 1u);
  EXPECT_EQ(v1->exec->env[0], (std::pair<std::string, std::string>{"PROFILE", "ops"}));
  EXPECT_EQ(v1->exec->install_hint, "install get-token from the wiki");
  EXPECT_TRUE(v1->exec->provide_cluster_info);
  EXPECT_EQ(v1->exec->interactive_mode, ExecInteractiveMode::kNever);
  EXPECT_EQ(v1->exec_cluster_config, nlohmann::json({{"audience", "prod"}}));

  auto beta = resolve_context(*config, "beta");
  ASSERT_TRUE(beta) << beta.error().message;
  EXPECT_EQ(beta->exec->command, "aws");  // a bare name: looked up in PATH
  EXPECT_EQ(beta->exec->interactive_mode, ExecInteractiveMode::kIfAvailable);

  EXPECT_THAT(resolve_context(*config, "alpha").error().message,
              HasSubstr("users[2].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported"));
  EXPECT_EQ(resolve_context(*config, "no-command").error().message, path.string() + ": users[3].user.exec.command: missing");

  auto bad_mode = parse_kubeconfig("users: [{name: u, user: {exec: {command: x, interactiveMode: Sometimes}}}]\n", "f");
  ASSERT_FALSE(bad_mode);
  EXPECT_EQ(bad_mode.error().message, "f: users[0].user.exec.interactiveMode: \"Sometimes\" is not one of Never, IfAvailable, Always");
}

TEST_F(KubeconfigTest, FilesFromFlagEnvironmentOrHome) {
  auto a = write("a", "{}");
  auto b = write("b", "{}");
  KubeconfigEnvironment env;
  env.home = dir_.string();
  env.kubeconfig = a.string() + "::" + (dir_ / "missing").string() + ":" + b.string() + ":" + a.string();
  // Missing files and repeats are skipped.
  EXPECT_EQ(kubeconfig_files(std::nullopt, env), (std::vector<fs::path>{a, b}));
  // --kubeconfig alone, whether or not it exists.
  EXPECT_EQ(kubeconfig_files(std::string("/nowhere/config"), env), (std::vector<fs::path>{"/nowhere/config"}));
  env.kubeconfig.reset();
  EXPECT_TRUE(kubeconfig_files(std::nullopt, env).empty());  // no ~/.kube/config yet
  auto home_config = write(".kube/config", "{}");
  EXPECT_EQ(kubeconfig_files(std::nullopt, env), (std::vector<fs::path>{home_config}));
}

TEST_F(KubeconfigTest, ExplicitFileThatDoesNotExistIsAnError) {
  auto config = load_kubeconfig({dir_ / "nope"});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(config.error().message, HasSubstr((dir_ / "nope").string()));
}

}  // namespace
}  // namespace pier::kube
