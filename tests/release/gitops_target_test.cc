// The gitops target on a temporary directory: files as `pier render
// --output-dir` writes them, whole-release swaps, removals, idempotence.
#include "release/gitops_target.h"

#include <gtest/gtest.h>

#include <fstream>

#include "catalog/render.h"
#include "common/files.h"
#include "manifest/manifest_writer.h"
#include "release/deployer.h"
#include "release_test_support.h"

namespace pier::release {
namespace {

using namespace testing;
namespace fs = std::filesystem;

DeployRequest jetty_request(std::vector<std::string> set_values = {}) {
  DeployRequest request;
  request.app = &jetty();
  request.render.release_name = "web";
  request.render.namespace_name = "shop";
  request.render.values.push_back(jetty_sample());
  request.render.set_values = std::move(set_values);
  return request;
}

// Every file of a directory (names and contents), sorted by name.
std::map<std::string, std::string> files_in(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) files[entry.path().filename().string()] = *read_file(entry.path());
  return files;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class GitopsTargetTest : public ::testing::Test {
 protected:
  TempDir temp;
  GitopsTarget target{temp.path(), "local"};
  fs::path release_dir = temp.path() / "local" / "shop" / "web";

  DeployOutcome deploy_ok(const DeployRequest& request, EventLog* log = nullptr, std::stop_token stop = {}) {
    auto outcome = deploy(request, target, log ? log->sink() : EventSink(), stop);
    EXPECT_TRUE(outcome) << outcome.error().describe();
    return outcome ? std::move(*outcome) : DeployOutcome{};
  }
};

TEST_F(GitopsTargetTest, WritesOneFilePerObjectAsRenderOutputDirDoes) {
  DeployOutcome outcome = deploy_ok(jetty_request());
  EXPECT_EQ(outcome.status, ReleaseStatus::kDeployed);
  EXPECT_EQ(target.release_dir({"shop", "web"}), release_dir);
  EXPECT_EQ(names_in(release_dir),
            (std::vector<std::string>{"00-configmap-shop-web-config.yaml", "01-configmap-shop-web-env.yaml",
                                      "02-service-shop-web.yaml", "03-deployment-shop-web.yaml",
                                      "04-horizontalpodautoscaler-shop-web.yaml", "05-ingress-shop-web.yaml"}));
  // The same bytes as `pier render --output-dir`.
  auto rendered = catalog::render_release(jetty(), jetty_request().render, openapi::Schema::builtin());
  ASSERT_TRUE(rendered);
  fs::path rendered_dir = temp.path() / "rendered";
  ASSERT_TRUE(manifest::write_objects_to_dir(rendered->objects, manifest::OutputFormat::kYaml, rendered_dir));
  EXPECT_EQ(files_in(release_dir), files_in(rendered_dir));
  // Nothing but the release directory beside it: no staging left behind.
  EXPECT_EQ(names_in(release_dir.parent_path()), std::vector<std::string>{"web"});
}

TEST_F(GitopsTargetTest, DeployingTheSameAgainChangesNoByteAndDiffsNothing) {
  deploy_ok(jetty_request());
  auto before = files_in(release_dir);
  DeployRequest again = jetty_request();
  again.previous_manifests = ManifestSet::from_rendered(
                                 *catalog::render_release(jetty(), again.render, openapi::Schema::builtin()))
                                 .to_yaml();
  DeployOutcome outcome = deploy_ok(again);
  EXPECT_EQ(files_in(release_dir), before);
  EXPECT_EQ(count_changes(outcome.diff), (DiffCounts{.unchanged = 6}));
}

TEST_F(GitopsTargetTest, AnUpgradeDiffsWithTheFilesAndDropsWhatIsGone) {
  DeployOutcome first = deploy_ok(jetty_request());
  DeployRequest upgrade = jetty_request({"jetty.autoscaling=false"});
  upgrade.previous_manifests = first.manifests;
  EventLog log;
  DeployOutcome outcome = deploy_ok(upgrade, &log);
  EXPECT_EQ(outcome.status, ReleaseStatus::kDeployed);
  EXPECT_EQ(names_in(release_dir),
            (std::vector<std::string>{"00-configmap-shop-web-config.yaml", "01-configmap-shop-web-env.yaml",
                                      "02-service-shop-web.yaml", "03-deployment-shop-web.yaml",
                                      "04-ingress-shop-web.yaml"}));
  DiffCounts counts = count_changes(outcome.diff);
  EXPECT_EQ(counts.removed, 1u);
  EXPECT_EQ(counts.changed, 1u);  // the Deployment gets replicas; the Ingress moved file but is the same
  std::vector<std::string> changed;
  for (const auto& d : outcome.diff)
    if (d.change != ChangeKind::kUnchanged) changed.push_back(d.key.display() + " " + std::string(to_string(d.change)));
  EXPECT_EQ(changed, (std::vector<std::string>{"Deployment shop/web changed", "HorizontalPodAutoscaler shop/web removed"}));
  ASSERT_EQ(log.of_type(DeployEventType::kRemoved).size(), 1u);
}

TEST_F(GitopsTargetTest, FilesEditedByHandShowInTheNextDiffAndAreReplaced) {
  DeployOutcome first = deploy_ok(jetty_request());
  fs::path service = release_dir / "02-service-shop-web.yaml";
  std::string original = *read_file(service);
  std::ofstream(service) << original << "  extra: by-hand\n";
  std::ofstream(release_dir / "99-configmap-shop-stray.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: shop\n";
  DeployRequest again = jetty_request();
  again.previous_manifests = first.manifests;
  DeployOutcome outcome = deploy_ok(again);
  DiffCounts counts = count_changes(outcome.diff);
  EXPECT_EQ(counts.changed, 1u);
  EXPECT_EQ(counts.removed, 1u);  // the stray file
  EXPECT_EQ(*read_file(service), original);
  EXPECT_FALSE(fs::exists(release_dir / "99-configmap-shop-stray.yaml"));
}

TEST_F(GitopsTargetTest, AnInterruptedDeployLeavesTheReleaseAsItWas) {
  DeployOutcome first = deploy_ok(jetty_request());
  auto before = files_in(release_dir);
  DeployRequest upgrade = jetty_request({"jetty.replicas=5"});
  upgrade.previous_manifests = first.manifests;
  std::stop_source stop;
  EventLog log;
  auto outcome = deploy(upgrade, target,
                        [&](const DeployEvent& e) {
                          log.sink()(e);
                          if (e.type == DeployEventType::kApplied && e.fields["index"] == 3) stop.request_stop();
                        },
                        stop.get_token());
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->status, ReleaseStatus::kInterrupted);
  EXPECT_EQ(files_in(release_dir), before);

  // The next deploy starts its staging afresh and goes through.
  DeployOutcome next = deploy_ok(upgrade);
  EXPECT_EQ(next.status, ReleaseStatus::kDeployed);
  EXPECT_NE(files_in(release_dir), before);
  EXPECT_EQ(names_in(release_dir.parent_path()), std::vector<std::string>{"web"});
}

TEST_F(GitopsTargetTest, CommitRefusesAStagingDirectoryThatIsNotThePlans) {
  auto set = set_of({config_map("a"), config_map("b")});
  ReleasePlan plan = plan_release({"shop", "web"}, {}, set);
  ASSERT_TRUE(target.apply(plan, 0, {}));  // the second object never staged
  auto committed = target.commit(plan);
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, ErrorCode::kInternal);
  EXPECT_FALSE(fs::exists(release_dir));
}

TEST_F(GitopsTargetTest, NamesThatWouldLeaveTheRootAreRefused) {
  ReleasePlan plan = plan_release({"../etc", "web"}, {}, set_of({config_map("a")}));
  auto diff = target.live_diff(plan, {});
  ASSERT_FALSE(diff);
  EXPECT_EQ(diff.error().code, ErrorCode::kInvalidInput);
  GitopsTarget bad(temp.path(), "..");
  EXPECT_FALSE(bad.apply(plan_release({"shop", "web"}, {}, set_of({config_map("a")})), 0, {}));
}

TEST_F(GitopsTargetTest, AnEmptyReleaseIsAnEmptyDirectory) {
  deploy_ok(jetty_request());
  ReleasePlan plan = plan_release({"shop", "web"}, *target.read_release({"shop", "web"}), {});
  EXPECT_EQ(plan.remove.size(), 6u);
  ASSERT_TRUE(target.commit(plan));
  EXPECT_TRUE(fs::is_directory(release_dir));
  EXPECT_TRUE(names_in(release_dir).empty());
}

}  // namespace
}  // namespace pier::release
