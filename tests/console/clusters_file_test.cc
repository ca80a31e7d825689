#include "console/clusters_file.h"

#include <gtest/gtest.h>

namespace pier::console {
namespace {

TEST(ClustersFile, ReadsDatacentersAndGitopsTargets) {
  auto file = parse_clusters_file(R"(
datacenters:
  - name: beijing
    contexts: [prod-bj, "staging-bj-*"]
  - name: shanghai
    contexts: [prod-sh]
gitops:
  - name: argo
    dir: gitops/prod
    datacenter: beijing
only_listed_contexts: true
)", "/etc/pier/clusters.yaml");
  ASSERT_TRUE(file) << file.error().describe();
  ASSERT_EQ(file->datacenters.size(), 2u);
  EXPECT_EQ(file->datacenter_of("prod-bj"), "beijing");
  EXPECT_EQ(file->datacenter_of("staging-bj-2"), "beijing");
  EXPECT_EQ(file->datacenter_of("prod-sh"), "shanghai");
  EXPECT_EQ(file->datacenter_of("dev"), "");
  ASSERT_EQ(file->gitops.size(), 1u);
  EXPECT_EQ(file->gitops[0].dir, std::filesystem::path("/etc/pier/gitops/prod"));
  EXPECT_EQ(file->gitops[0].datacenter, "beijing");
  EXPECT_TRUE(file->only_listed_contexts);
}

TEST(ClustersFile, AnEmptyFileIsNoGrouping) {
  auto file = parse_clusters_file("", "c.yaml");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->datacenters.empty());
}

struct BadFile {
  const char* text;
  const char* expected;
};

class ClustersFileErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(ClustersFileErrors, NameTheFileAndTheField) {
  auto file = parse_clusters_file(GetParam().text, "clusters.yaml");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(file.error().message.find(GetParam().expected), std::string::npos) << file.error().message;
  EXPECT_EQ(file.error().message.rfind("clusters.yaml", 0), 0u) << file.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    All, ClustersFileErrors,
    ::testing::Values(BadFile{"datacenter: []", "datacenter: unknown field"},
                      BadFile{"datacenters: {a: 1}", "datacenters: expected a list"},
                      BadFile{"datacenters: [{contexts: [a]}]", "datacenters[0].name: required"},
                      BadFile{"datacenters: [{name: a, context: [a]}]", "datacenters[0].context: unknown field"},
                      BadFile{"datacenters: [{name: a}, {name: a}]", "datacenters[1].name: \"a\" is used twice"},
                      BadFile{"gitops: [{name: x}]", "gitops[0].dir: expected a directory path"},
                      BadFile{"gitops: [{name: a/b, dir: d}]", "gitops[0].name: must not contain"},
                      BadFile{"gitops: [{name: x, dir: d}, {name: x, dir: e}]", "gitops[1].name: \"x\" is used twice"},
                      BadFile{"only_listed_contexts: maybe", "only_listed_contexts: expected true or false"},
                      BadFile{"- a\n- b", "expected a mapping"}));

TEST(ClustersFile, MalformedYamlHasItsPosition) {
  auto file = parse_clusters_file("datacenters: [a, b\n", "clusters.yaml");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("clusters.yaml:"), std::string::npos) << file.error().message;
}

TEST(GitopsFlag, IsNameEqualsDir) {
  auto entry = parse_gitops_flag("local=/srv/gitops");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->name, "local");
  EXPECT_EQ(entry->dir, std::filesystem::path("/srv/gitops"));
  EXPECT_FALSE(parse_gitops_flag("local"));
  EXPECT_FALSE(parse_gitops_flag("=/srv"));
  EXPECT_FALSE(parse_gitops_flag("a/b=/srv"));
}

}  // namespace
}  // namespace pier::console
