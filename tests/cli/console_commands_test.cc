// `pier deploy`, `releases`, `history`, `diff` and `rollback` as a user runs
// them, against a real `pier serve` (the same binary) that each test starts
// on 127.0.0.1 with a fresh data directory and a gitops target "local"
// (tests/support/serve_process.h): output, exit statuses, the files the
// deploys write, and the token kept out of everything printed. Times are
// the only part of the output that varies; they are masked before comparing.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "closed_port.h"
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <thread>

#include "run_pier.h"
#include "store/store.h"
#include "support/serve_process.h"

namespace pier::cli {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PierRun;
using namespace std::chrono_literals;

// The environment of the pier processes: the token, UTC; nothing of the
// developer's own PIER_SERVER or PIER_TOKEN. Restored afterwards.
class ScopedEnvironment {
 public:
  void set(const char* name, const std::string& value) {
    remember(name);
    ::setenv(name, value.c_str(), 1);
  }
  void unset(const char* name) {
    remember(name);
    ::unsetenv(name);
  }
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

 private:
  void remember(const char* name) {
    for (const auto& entry : saved_)
      if (entry.first == name) return;
    const char* value = std::getenv(name);
    saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

using pier::testing::closed_port;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

const std::string kSample = "catalog/jetty/samples/default.json";  // relative: pier runs in the source tree
const std::string kSchema = "jetty/schema.json";  // the server names the app's files by app, not by its path

// What a first deploy of jetty's sample prints after its first line (times masked).
std::string install_events(const std::string& ns, const std::string& name) {
  std::string object = ns + "/" + name;
  return "  hh:mm:ss  values are valid\n"
         "  hh:mm:ss  rendered 6 objects\n"
         "  hh:mm:ss  diff: 6 added, 0 changed, 0 removed, 0 unchanged\n"
         "  hh:mm:ss  applied 1/6: ConfigMap " + object + "-config\n"
         "  hh:mm:ss  applied 2/6: ConfigMap " + object + "-env\n"
         "  hh:mm:ss  applied 3/6: Service " + object + "\n"
         "  hh:mm:ss  applied 4/6: Deployment " + object + "\n"
         "  hh:mm:ss  applied 5/6: HorizontalPodAutoscaler " + object + "\n"
         "  hh:mm:ss  applied 6/6: Ingress " + object + "\n"
         "  hh:mm:ss  deployed to gitops directory TMP/gitops/local: 6 objects applied\n";
}

class ConsoleCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pier-console-cli-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    serve_ = std::make_unique<pier::testing::ServeProcess>(
        dir_, std::vector<std::string>{"--no-kubeconfig", "--gitops", "local=" + gitops().string()});
    ASSERT_NO_FATAL_FAILURE(serve_->start());
    token_ = serve_->admin_token();
    environment_.unset("PIER_SERVER");
    environment_.set("PIER_TOKEN", token_);
    environment_.set("TZ", "UTC");
  }
  void TearDown() override {
    serve_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `pier ARGS --server URL`; what it printed must not hold the token.
  PierRun pier(const std::string& args) { return checked(testing::run_pier(args + " --server " + serve_->url())); }
  // Without --server.
  PierRun pier_alone(const std::string& args) { return checked(testing::run_pier(args)); }
  PierRun checked(PierRun run) {
    EXPECT_THAT(run.out, Not(HasSubstr(token_)));
    EXPECT_THAT(run.err, Not(HasSubstr(token_)));
    return run;
  }

  // Output with times and the test's directory masked: "hh:mm:ss", "YYYY-MM-DD hh:mm:ss",
  // "YYYY-MM-DDThh:mm:ss.mmmZ", "TMP".
  std::string masked(const std::string& text) const {
    static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    static const std::regex date_time(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)");
    static const std::regex time(R"(\d\d:\d\d:\d\d)");
    std::string out = replace_all(text, dir_.string(), "TMP");
    out = std::regex_replace(out, iso, "YYYY-MM-DDThh:mm:ss.mmmZ");
    out = std::regex_replace(out, date_time, "YYYY-MM-DD hh:mm:ss");
    return std::regex_replace(out, time, "hh:mm:ss");
  }

  // `pier deploy jetty --detach` of the sample values (and ARGS) to
  // local/NS/NAME, then `pier releases` until it has ended (at most 10 s): it
  // must have succeeded. Following it would take longer (see
  // DeployFollowsTheEventsToTheEndAndWritesTheGitopsFiles for that).
  void deploy(const std::string& ns, const std::string& name, const std::string& args = "") {
    auto run =
        pier("deploy jetty --cluster local -n " + ns + " --name " + name + " -f " + kSample + " --detach " + args);
    ASSERT_EQ(run.status, 0) << run.out << run.err;
    json release;
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
      auto list = pier("releases -n " + ns + " -q " + name + " -o json");
      ASSERT_EQ(list.status, 0) << list.err;
      for (const auto& item : json::parse(list.out))
        if (item["name"] == name) release = item;
      if (release.is_object() && release["active_operation"].is_null()) break;
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(release.is_object() && release["active_operation"].is_null()) << release.dump();
    ASSERT_EQ(release["status"], "deployed") << release.dump();
  }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  std::filesystem::path gitops() const { return dir_ / "gitops"; }
  std::filesystem::path release_dir(const std::string& ns, const std::string& name) const {
    return gitops() / "local" / ns / name;
  }
  std::string deployment_yaml(const std::string& ns, const std::string& name) const {
    return pier::testing::ServeProcess::read_text(release_dir(ns, name) / ("03-deployment-" + ns + "-" + name + ".yaml"));
  }

  ScopedEnvironment environment_;
  std::filesystem::path dir_;
  std::unique_ptr<pier::testing::ServeProcess> serve_;
  std::string token_;
};

TEST_F(ConsoleCommands, DeployFollowsTheEventsToTheEndAndWritesTheGitopsFiles) {
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + kSample + " -m first");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(masked(run.out), "revision 1 of local/shop/web: operation 1\n" + install_events("shop", "web") +
                                 "operation 1 succeeded\n");
  EXPECT_EQ(run.err, "");

  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(release_dir("shop", "web")))
    files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_THAT(files, ElementsAre("00-configmap-shop-web-config.yaml", "01-configmap-shop-web-env.yaml",
                                 "02-service-shop-web.yaml", "03-deployment-shop-web.yaml",
                                 "04-horizontalpodautoscaler-shop-web.yaml", "05-ingress-shop-web.yaml"));
  EXPECT_THAT(deployment_yaml("shop", "web"), HasSubstr("image: reg.local:5000/demo/hello-web:2.3.1\n"));

  auto history = pier("history web --cluster local -n shop");
  ASSERT_EQ(history.status, 0) << history.err;
  EXPECT_EQ(masked(history.out),
            "REVISION   STATUS     APP     VERSION   USER    CREATED               MESSAGE/DETAIL\n"
            "1          deployed   jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   first\n");
}

TEST_F(ConsoleCommands, DeployMergesJsonAndYamlValuesFiles) {
  std::string base = write("base.json", R"({"jetty": {"image": "hello-web", "version": "2.3.1", "replicas": 2}})");
  std::string over = write("prod.yaml", "jetty:\n  version: \"2.4.0\"\n  replicas: 3\n");
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + base + " -f " + over +
                  " --wait --timeout 90s --auto-rollback --force-conflicts");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("operation 1 succeeded\n"));
  // The later file wins per field; what it does not set comes from the earlier one.
  EXPECT_THAT(deployment_yaml("shop", "web"), HasSubstr("image: reg.local:5000/demo/hello-web:2.4.0\n"));
  EXPECT_THAT(pier::testing::ServeProcess::read_text(release_dir("shop", "web") /
                                                     "04-horizontalpodautoscaler-shop-web.yaml"),
              HasSubstr("minReplicas: 3\n"));
}

TEST_F(ConsoleCommands, DryRunPrintsTheDiffAndStoresNothing) {
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + kSample + " --dry-run");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, ::testing::StartsWith("dry run of deploy local/shop/web (nothing was changed):\n"
                                             "objects: 6 added, 0 changed, 0 removed, 0 unchanged\n"
                                             "values: /global, /jetty, /mfs\n"
                                             "--- values (none)\n"
                                             "+++ values (this deploy)\n"));
  EXPECT_THAT(run.out, HasSubstr("\nadded: Deployment shop/web\n"));
  EXPECT_THAT(run.out, HasSubstr("+        image: reg.local:5000/demo/hello-web:2.3.1\n"));
  EXPECT_EQ(run.err, "");

  auto releases = pier("releases");
  EXPECT_EQ(releases.status, 0) << releases.err;
  EXPECT_EQ(releases.out, "");
  EXPECT_EQ(releases.err, "no releases found\n");
  EXPECT_FALSE(std::filesystem::exists(gitops() / "local"));
}

TEST_F(ConsoleCommands, DetachPrintsTheOperationAndTheDeployGoesOn) {
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + kSample + " --detach");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "revision 1 of local/shop/web: operation 1\n"
            "not following it: the operation goes on in the console\n");
  std::string status;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    auto history = pier("history web --cluster local -n shop -o json");
    ASSERT_EQ(history.status, 0) << history.err;
    status = json::parse(history.out).at(0).value("status", "");
    if (status != "pending") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(status, "deployed");
}

TEST_F(ConsoleCommands, InvalidValuesAreListedAtTheirPointersWithExitTwo) {
  std::string bad = write("bad.json", R"({"jetty": {"image": "hello-web", "version": "2.3.1", "replicas": -1,
                                          "port": "http"}})");
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + bad);
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err, "pier: error: values do not match " + kSchema + ": 3 problems\n"
                     "  /jetty/min_replicas: must be >= 1, got -1 (minimum)\n"
                     "  /jetty/port: expected integer, got string \"http\" (type)\n"
                     "  /jetty/replicas: must be >= 1, got -1 (minimum)\n");
  EXPECT_EQ(run.out, "");

  auto no_image = pier("deploy jetty --cluster local -n shop --name web");
  EXPECT_EQ(no_image.status, 2);
  EXPECT_EQ(no_image.err, "pier: error: values do not match " + kSchema + ": 1 problem\n"
                          "  /jetty/image: required property missing (required)\n");

  EXPECT_EQ(pier("releases").err, "no releases found\n");  // nothing stored
}

TEST_F(ConsoleCommands, AMalformedValuesFileStopsBeforeAnyRequest) {
  std::string bad = write("bad.yaml", "jetty:\n  replicas: [2\n");
  auto run = pier("deploy jetty --cluster local -n shop --name web -f " + bad);
  EXPECT_EQ(run.status, 2);
  EXPECT_THAT(run.err, ::testing::StartsWith("pier: error: " + bad + ":"));
  auto bad_timeout = pier("deploy jetty --cluster local -n shop --name web -f " + kSample + " --timeout soon");
  EXPECT_EQ(bad_timeout.status, 2);
  EXPECT_THAT(bad_timeout.err, HasSubstr("--timeout"));
  EXPECT_EQ(pier("releases").err, "no releases found\n");
}

TEST_F(ConsoleCommands, UnknownAppClusterReleaseAndRevisionAreTheConsolesMessagesWithExitTwo) {
  auto app = pier("deploy jety --cluster local -n shop --name web -f " + kSample);
  EXPECT_EQ(app.status, 2);
  EXPECT_EQ(app.err, "pier: error: no app \"jety\" in the catalog; did you mean \"jetty\"?\n");

  auto cluster = pier("deploy jetty --cluster nowhere -n shop --name web -f " + kSample);
  EXPECT_EQ(cluster.status, 2);
  EXPECT_EQ(cluster.err, "pier: error: no cluster or target named \"nowhere\"\n");

  auto release = pier("history nope --cluster local -n shop");
  EXPECT_EQ(release.status, 2);
  EXPECT_EQ(release.err, "pier: error: release local/shop/nope not found\n");
  // A name that must be percent-encoded reaches the console as itself.
  auto odd = pier("history 'we b/..' --cluster local -n shop");
  EXPECT_EQ(odd.status, 2);
  EXPECT_EQ(odd.err, "pier: error: release local/shop/we b/.. not found\n");

  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));
  auto revision = pier("rollback web 9 --cluster local -n shop");
  EXPECT_EQ(revision.status, 2);
  EXPECT_EQ(revision.err, "pier: error: release local/shop/web revision 9 not found\n");
  auto diff = pier("diff web 1 7 --cluster local -n shop");
  EXPECT_EQ(diff.status, 2);
  EXPECT_EQ(diff.err, "pier: error: release local/shop/web revision 7 not found\n");
  EXPECT_EQ(pier("diff web 0 1 --cluster local -n shop").status, 2);  // refused before asking
  EXPECT_EQ(pier("history web --cluster local").status, 2);            // -n is required
}

TEST_F(ConsoleCommands, AFailedDeployExitsOneWithTheReason) {
  std::filesystem::create_directories(gitops() / "local");
  write("gitops/local/broken", "a file where the namespace's directory would go\n");
  auto run = pier("deploy jetty --cluster local -n broken --name web -f " + kSample);
  EXPECT_EQ(run.status, 1) << run.err;
  const std::string reason = "TMP/gitops/local/broken/.web.staging: cannot remove: Not a directory";
  EXPECT_EQ(masked(run.out),
            "revision 1 of local/broken/web: operation 1\n"
            "  hh:mm:ss  values are valid\n"
            "  hh:mm:ss  rendered 6 objects\n"
            "  hh:mm:ss  diff: 6 added, 0 changed, 0 removed, 0 unchanged\n"
            "  hh:mm:ss  failed: " + reason + "\n"
            "operation 1 failed: " + reason + "\n");
  auto releases = pier("releases --status failed");
  EXPECT_EQ(masked(releases.out),
            "CLUSTER   NAMESPACE   NAME   REVISION   APP     VERSION   STATUS   UPDATED\n"
            "local     broken      web    1          jetty   1.0.0     failed   YYYY-MM-DD hh:mm:ss\n");
}

TEST_F(ConsoleCommands, ReleasesListsEveryReleaseAsATableOrJsonWithFilters) {
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web", "-m again"));
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "api"));
  ASSERT_NO_FATAL_FAILURE(deploy("pay", "web"));
  ASSERT_NO_FATAL_FAILURE(deploy("pay", "gateway"));
  ASSERT_NO_FATAL_FAILURE(deploy("pay", "api"));

  auto all = pier("releases");
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(masked(all.out),
            "CLUSTER   NAMESPACE   NAME      REVISION   APP     VERSION   STATUS     UPDATED\n"
            "local     pay         api       1          jetty   1.0.0     deployed   YYYY-MM-DD hh:mm:ss\n"
            "local     pay         gateway   1          jetty   1.0.0     deployed   YYYY-MM-DD hh:mm:ss\n"
            "local     pay         web       1          jetty   1.0.0     deployed   YYYY-MM-DD hh:mm:ss\n"
            "local     shop        api       1          jetty   1.0.0     deployed   YYYY-MM-DD hh:mm:ss\n"
            "local     shop        web       2          jetty   1.0.0     deployed   YYYY-MM-DD hh:mm:ss\n");

  auto as_json = pier("releases -o json");
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  json parsed = json::parse(as_json.out);
  std::vector<std::string> names;
  for (const auto& release : parsed)
    names.push_back(release["namespace"].get<std::string>() + "/" + release["name"].get<std::string>() + "#" +
                    std::to_string(release["revision"].get<int>()));
  EXPECT_THAT(names, ElementsAre("pay/api#1", "pay/gateway#1", "pay/web#1", "shop/api#1", "shop/web#2"));
  EXPECT_EQ(parsed[4]["message"], "again");
  EXPECT_EQ(parsed[4]["deployed_revision"], 2);

  auto rows = [&](const std::string& args) {
    auto run = pier("releases " + args + " -o json");
    EXPECT_EQ(run.status, 0) << args << ": " << run.err;
    std::vector<std::string> found;
    for (const auto& release : json::parse(run.out.empty() ? "[]" : run.out))
      found.push_back(release["namespace"].get<std::string>() + "/" + release["name"].get<std::string>());
    return found;
  };
  EXPECT_THAT(rows("-n shop"), ElementsAre("shop/api", "shop/web"));
  EXPECT_THAT(rows("-q we"), ElementsAre("pay/web", "shop/web"));
  EXPECT_THAT(rows("--cluster local -n pay --app jetty -q a"), ElementsAre("pay/api", "pay/gateway"));
  EXPECT_THAT(rows("--app redis"), ElementsAre());
  EXPECT_THAT(rows("--cluster elsewhere"), ElementsAre());

  auto none = pier("releases --app redis");
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, "no releases found\n");
  EXPECT_EQ(pier("releases --status broken").status, 2);
}

TEST_F(ConsoleCommands, HistoryDiffAndRollback) {
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web", "-m first"));
  std::string v2 = write("v2.yaml", "jetty:\n  version: \"2.4.0\"\n");
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web", "-f " + v2 + " -m second"));

  auto history = pier("history web --cluster local -n shop");
  ASSERT_EQ(history.status, 0) << history.err;
  EXPECT_EQ(masked(history.out),
            "REVISION   STATUS       APP     VERSION   USER    CREATED               MESSAGE/DETAIL\n"
            "2          deployed     jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   second\n"
            "1          superseded   jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   first\n");

  auto diff = pier("diff web 1 2 --cluster local -n shop");
  ASSERT_EQ(diff.status, 0) << diff.err;
  EXPECT_EQ(diff.out,
            "objects: 0 added, 1 changed, 0 removed, 5 unchanged\n"
            "values: /jetty/version\n"
            "--- values (revision 1)\n"
            "+++ values (revision 2)\n"
            "@@ -30,7 +30,7 @@\n"
            "   shutdown_seconds: 30\n"
            "   target_cpu: 70\n"
            "   tls_secret: \"\"\n"
            "-  version: 2.3.1\n"
            "+  version: 2.4.0\n"
            " mfs:\n"
            "   inuse: false\n"
            "   mfs_name: demo-mfs\n"
            "\n"
            "changed: Deployment shop/web\n"
            "--- Deployment shop/web (revision 1)\n"
            "+++ Deployment shop/web (revision 2)\n"
            "@@ -41,7 +41,7 @@\n"
            "       - envFrom:\n"
            "         - configMapRef:\n"
            "             name: web-env\n"
            "-        image: reg.local:5000/demo/hello-web:2.3.1\n"
            "+        image: reg.local:5000/demo/hello-web:2.4.0\n"
            "         imagePullPolicy: IfNotPresent\n"
            "         lifecycle:\n"
            "           preStop:\n");
  auto diff_json = pier("diff web 1 2 --cluster local -n shop -o json");
  ASSERT_EQ(diff_json.status, 0) << diff_json.err;
  json parsed = json::parse(diff_json.out);
  EXPECT_EQ(parsed["counts"], json::parse(R"({"added": 0, "changed": 1, "removed": 0, "unchanged": 5})"));
  EXPECT_EQ(parsed["values"]["changed_paths"], json::array({"/jetty/version"}));

  auto dry = pier("rollback web 1 --cluster local -n shop --dry-run");
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_EQ(dry.out,
            "dry run of rollback local/shop/web (nothing was changed):\n"
            "objects: 0 added, 1 changed, 0 removed, 5 unchanged\n"
            "values: /jetty/version\n"
            "--- values (revision 2)\n"
            "+++ values (this deploy)\n"
            "@@ -30,7 +30,7 @@\n"
            "   shutdown_seconds: 30\n"
            "   target_cpu: 70\n"
            "   tls_secret: \"\"\n"
            "-  version: 2.4.0\n"
            "+  version: 2.3.1\n"
            " mfs:\n"
            "   inuse: false\n"
            "   mfs_name: demo-mfs\n"
            "\n"
            "changed: Deployment shop/web\n"
            "--- Deployment shop/web (live)\n"
            "+++ Deployment shop/web (after apply)\n"
            "@@ -41,7 +41,7 @@\n"
            "       - envFrom:\n"
            "         - configMapRef:\n"
            "             name: web-env\n"
            "-        image: reg.local:5000/demo/hello-web:2.4.0\n"
            "+        image: reg.local:5000/demo/hello-web:2.3.1\n"
            "         imagePullPolicy: IfNotPresent\n"
            "         lifecycle:\n"
            "           preStop:\n");
  EXPECT_THAT(deployment_yaml("shop", "web"), HasSubstr("hello-web:2.4.0\n"));  // the dry run changed nothing
  auto still_two = pier("history web --cluster local -n shop -o json");
  EXPECT_EQ(json::parse(still_two.out).size(), 2u);

  auto rollback = pier("rollback web 1 --cluster local -n shop -m back");
  ASSERT_EQ(rollback.status, 0) << rollback.err;
  EXPECT_EQ(masked(rollback.out),
            "revision 3 of local/shop/web: operation 3\n"
            "  hh:mm:ss  rendered 6 objects\n"
            "  hh:mm:ss  diff: 0 added, 1 changed, 0 removed, 5 unchanged\n"
            "  hh:mm:ss  applied 1/6: ConfigMap shop/web-config\n"
            "  hh:mm:ss  applied 2/6: ConfigMap shop/web-env\n"
            "  hh:mm:ss  applied 3/6: Service shop/web\n"
            "  hh:mm:ss  applied 4/6: Deployment shop/web\n"
            "  hh:mm:ss  applied 5/6: HorizontalPodAutoscaler shop/web\n"
            "  hh:mm:ss  applied 6/6: Ingress shop/web\n"
            "  hh:mm:ss  deployed to gitops directory TMP/gitops/local: 6 objects applied\n"
            "operation 3 succeeded\n");
  EXPECT_THAT(deployment_yaml("shop", "web"), HasSubstr("image: reg.local:5000/demo/hello-web:2.3.1\n"));

  auto after = pier("history web --cluster local -n shop");
  EXPECT_EQ(masked(after.out),
            "REVISION   STATUS       APP     VERSION   USER    CREATED               MESSAGE/DETAIL\n"
            "3          deployed     jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   back\n"
            "2          superseded   jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   second\n"
            "1          superseded   jetty   1.0.0     admin   YYYY-MM-DD hh:mm:ss   first\n");
}

TEST_F(ConsoleCommands, ABusyReleaseIsAConflictNamingTheHolder) {
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));
  // Another console process holds the release, through the same database.
  auto store = store::open_store(serve_->database_file());
  ASSERT_TRUE(store) << store.error().describe();
  auto held = (*store)->begin_operation(
      {.key = {"local", "shop", "web"}, .kind = "upgrade", .user = "bob", .holder = "pier-other/77"});
  ASSERT_TRUE(held) << held.error().describe();

  auto deploy_run = pier("deploy jetty --cluster local -n shop --name web -f " + kSample);
  EXPECT_EQ(deploy_run.status, 1);
  EXPECT_EQ(deploy_run.out, "");
  EXPECT_EQ(masked(deploy_run.err),
            "pier: error: release local/shop/web is busy: upgrade by bob (operation 2, holder pier-other/77) running "
            "since YYYY-MM-DDThh:mm:ss.mmmZ, lease until YYYY-MM-DDThh:mm:ss.mmmZ\n");
  auto rollback_run = pier("rollback web 1 --cluster local -n shop");
  EXPECT_EQ(rollback_run.status, 1);
  EXPECT_THAT(rollback_run.err, HasSubstr("pier-other/77"));

  auto releases = pier("releases");
  EXPECT_THAT(releases.out, HasSubstr("deployed (upgrade running)"));

  ASSERT_TRUE((*store)->finish_operation(held->id, store::OperationStatus::kSucceeded, ""));
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));
}

TEST_F(ConsoleCommands, TheTokenComesFromAFlagAFileOrTheEnvironmentAndIsNeverPrinted) {
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));  // with PIER_TOKEN
  std::string token_file = write("token", token_ + "\n");
  environment_.unset("PIER_TOKEN");

  auto without = pier("history web --cluster local -n shop");
  EXPECT_EQ(without.status, 1);
  EXPECT_EQ(without.out, "");
  EXPECT_EQ(without.err,
            "pier: error: authentication required: send Authorization: Bearer <token> (no token was given: use "
            "--token-file FILE or the environment variable PIER_TOKEN)\n");

  auto from_file = pier("history web --cluster local -n shop --token-file " + token_file);
  EXPECT_EQ(from_file.status, 0) << from_file.err;
  EXPECT_THAT(from_file.out, HasSubstr("deployed"));

  auto from_flag = pier("history web --cluster local -n shop --token " + token_);
  EXPECT_EQ(from_flag.status, 0) << from_flag.err;

  const std::string wrong = "pier_wrong-token-from-the-environment-0123";
  environment_.set("PIER_TOKEN", wrong);
  auto refused = pier("history web --cluster local -n shop");
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err, "pier: error: invalid or expired token\n");
  EXPECT_THAT(refused.err + refused.out, Not(HasSubstr(wrong)));
  auto file_wins = pier("history web --cluster local -n shop --token-file " + token_file);
  EXPECT_EQ(file_wins.status, 0) << file_wins.err;

  auto both = pier("history web --cluster local -n shop --token x --token-file " + token_file);
  EXPECT_EQ(both.status, 2);
  auto no_file = pier("history web --cluster local -n shop --token-file " + (dir_ / "missing").string());
  EXPECT_EQ(no_file.status, 2);
  EXPECT_THAT(no_file.err, HasSubstr("--token-file"));
}

TEST_F(ConsoleCommands, TheServerComesFromTheEnvironmentWhenNotGiven) {
  environment_.set("PIER_SERVER", serve_->url());
  ASSERT_NO_FATAL_FAILURE(deploy("shop", "web"));
  auto run = pier_alone("releases -o json");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(json::parse(run.out).size(), 1u);
  auto flag_wins = pier_alone("releases --server http://127.0.0.1:" + std::to_string(closed_port()));
  EXPECT_EQ(flag_wins.status, 1);
  EXPECT_THAT(flag_wins.err, HasSubstr("connection refused"));
}

TEST(ConsoleCommandsWithoutConsole, NoConsoleListening) {
  ScopedEnvironment environment;
  const std::string token = "pier_some-token-0123456789";
  environment.set("PIER_TOKEN", token);
  environment.unset("PIER_SERVER");
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  auto run = testing::run_pier("releases --server " + url);
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "pier: error: cannot connect to " + url + ": connection refused (is pier serve running there?)\n");
  EXPECT_THAT(run.out + run.err, Not(HasSubstr(token)));
  auto not_http = testing::run_pier("releases --server pier.example:8080");
  EXPECT_EQ(not_http.status, 2);
  EXPECT_THAT(not_http.err, HasSubstr("expected http://HOST:PORT"));
}

}  // namespace
}  // namespace pier::cli
