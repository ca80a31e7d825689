#include "console/target_registry.h"

#include <gtest/gtest.h>

#include "console_fixture.h"

namespace pier::console::testing {
namespace {

const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: prod-bj
clusters:
- name: bj
  cluster: {server: "https://127.0.0.1:1"}
- name: sh
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: ops
  user: {token: not-a-real-token}
contexts:
- name: prod-bj
  context: {cluster: bj, user: ops}
- name: staging-bj-1
  context: {cluster: bj, user: ops, namespace: staging}
- name: prod-sh
  context: {cluster: sh, user: ops}
- name: laptop
  context: {cluster: sh, user: ops}
)";

class TargetRegistryTest : public ::testing::Test {
 protected:
  TargetRegistryTest() { std::ofstream(dir / "kubeconfig") << kKubeconfig; }
  ~TargetRegistryTest() override { std::filesystem::remove_all(dir); }

  Result<std::unique_ptr<TargetRegistry>> load(const std::string& clusters_yaml) {
    file = *parse_clusters_file(clusters_yaml, dir / "clusters.yaml");
    return TargetRegistry::load({.kubeconfig = (dir / "kubeconfig").string(), .clusters_file = &file,
                                 .extra_gitops = {{.name = "local", .dir = dir / "gitops", .datacenter = ""}}});
  }

  std::filesystem::path dir = make_temp_dir("registry");
  ClustersFile file;
};

TEST_F(TargetRegistryTest, ContextsAreGroupedByDatacenterInTheFilesOrder) {
  auto registry = load(R"(
datacenters:
  - {name: shanghai, contexts: [prod-sh]}
  - {name: beijing, contexts: ["*-bj", "staging-bj-*"]}
gitops:
  - {name: argo-bj, dir: argo, datacenter: beijing}
)");
  ASSERT_TRUE(registry) << registry.error().describe();
  std::vector<std::string> order;
  for (const auto& t : (*registry)->targets()) order.push_back(t.datacenter + ":" + t.name);
  EXPECT_EQ(order, (std::vector<std::string>{"shanghai:prod-sh", "beijing:argo-bj", "beijing:prod-bj",
                                             "beijing:staging-bj-1", ":laptop", ":local"}));
  const TargetInfo* argo = (*registry)->find("argo-bj");
  ASSERT_NE(argo, nullptr);
  EXPECT_EQ(argo->kind, TargetKind::kGitops);
  EXPECT_EQ(argo->dir, dir / "argo");
  EXPECT_EQ((*registry)->find("prod-bj")->server, "https://127.0.0.1:1");
}

TEST_F(TargetRegistryTest, OnlyListedContextsWhenAsked) {
  auto registry = load("datacenters: [{name: beijing, contexts: [prod-bj]}]\nonly_listed_contexts: true\n");
  ASSERT_TRUE(registry);
  EXPECT_NE((*registry)->find("prod-bj"), nullptr);
  EXPECT_EQ((*registry)->find("laptop"), nullptr);
  EXPECT_NE((*registry)->find("local"), nullptr);
}

TEST_F(TargetRegistryTest, AGitopsTargetCannotTakeAContextsName) {
  auto registry = load("gitops: [{name: laptop, dir: x}]\n");
  ASSERT_FALSE(registry);
  EXPECT_NE(registry.error().message.find("laptop"), std::string::npos);
}

TEST_F(TargetRegistryTest, UnknownNamesGetASuggestion) {
  auto registry = load("");
  ASSERT_TRUE(registry);
  auto target = (*registry)->open("prod-bk");
  ASSERT_FALSE(target);
  EXPECT_EQ(target.error().code, ErrorCode::kNotFound);
  EXPECT_NE(target.error().message.find("did you mean \"prod-bj\""), std::string::npos) << target.error().message;
}

TEST_F(TargetRegistryTest, ProbesSayWhichTargetsAnswerAndWhyNot) {
  auto registry = load("");
  ASSERT_TRUE(registry);
  auto probes = (*registry)->probe_all(std::chrono::milliseconds(500));
  ASSERT_EQ(probes.size(), 5u);
  for (const auto& p : probes) {
    if (p["name"] == "local") {
      EXPECT_EQ(p["reachable"], true);
      EXPECT_EQ(p["kind"], "gitops");
    } else {
      EXPECT_EQ(p["reachable"], false) << p;
      EXPECT_FALSE(p["error"].get<std::string>().empty());
      EXPECT_EQ(p["error"].get<std::string>().find("not-a-real-token"), std::string::npos);
    }
  }
}

TEST(TargetRegistryWithoutKubeconfig, OffersTheGitopsTargetsOnly) {
  auto dir = make_temp_dir("nokube");
  kube::KubeconfigEnvironment empty;
  empty.home = dir.string();  // no ~/.kube/config there
  auto registry = TargetRegistry::load({.clusters_file = nullptr,
                                        .extra_gitops = {{.name = "local", .dir = dir / "g", .datacenter = ""}},
                                        .environment = empty});
  ASSERT_TRUE(registry) << registry.error().describe();
  ASSERT_EQ((*registry)->targets().size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pier::console::testing
