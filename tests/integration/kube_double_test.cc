// The Kubernetes library end to end against the API server double on
// loopback: the real kubeconfig loading, libcurl transport, discovery,
// client, informers, leader election, apply and rollout status, with the
// faults the issue names (wrong CA, bad token, unreachable server, cut
// watches, 410 Gone, 429 bursts).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "api_server_double.h"
#include "support/eventually.h"
#include "kube/apply_objects.h"
#include "kube/client.h"
#include "kube/connect.h"
#include "kube/informer.h"
#include "kube/leader_election.h"
#include "kube/rollout_watcher.h"
#include "test_pki.h"

namespace pier::kube {
namespace {

using nlohmann::json;
using pier::testing::ApiServerDouble;
using pier::testing::eventually;

Connection connect_to(const std::string& kubeconfig) {
  ConnectOptions options;
  options.kubeconfig = kubeconfig;
  options.transport.retry.base_delay = std::chrono::milliseconds(10);
  options.transport.retry.max_delay = std::chrono::milliseconds(50);
  options.transport.retry.max_retry_after = std::chrono::milliseconds(50);
  auto connection = connect(options);
  EXPECT_TRUE(connection) << connection.error().describe();
  return std::move(*connection);
}

std::string write_kubeconfig(const std::string& dir, const std::string& server, const std::string& ca_file,
                             const std::string& token) {
  std::string text = "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                     "clusters:\n- name: c\n  cluster:\n    server: " + server + "\n    certificate-authority: " + ca_file +
                     "\nusers:\n- name: u\n  user:\n    token: " + token +
                     "\ncontexts:\n- name: test\n  context:\n    cluster: c\n    user: u\n";
  return pier::testing::write_test_file(dir, "kubeconfig-" + std::to_string(std::rand()), text);
}

json config_map(const std::string& name, const std::string& ns = "default", const std::string& value = "1") {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", {{"value", value}}}};
}

class KubeDouble : public ::testing::Test {
 protected:
  ApiServerDouble api;
  Connection connection = connect_to(api.kubeconfig_path());
  Client client{connection.transport, connection.config.context_name};
};

TEST_F(KubeDouble, ReadsTheServerVersionThroughTheKubeconfig) {
  auto version = client.server_version();
  ASSERT_TRUE(version) << version.error().describe();
  EXPECT_EQ(version->value("gitVersion", ""), "v1.35.0");
  EXPECT_EQ(connection.config.context_name, "double");
}

TEST_F(KubeDouble, WrongCertificateAuthorityIsAClearTlsErrorNamingTheContext) {
  pier::testing::TestPki other("another-ca");
  auto dir = std::filesystem::path(api.kubeconfig_path()).parent_path().string();
  auto ca = pier::testing::write_test_file(dir, "other-ca.crt", other.ca_pem());
  auto bad = connect_to(write_kubeconfig(dir, api.url(), ca, api.token()));
  Client wrong(bad.transport, bad.config.context_name);
  auto version = wrong.server_version();
  ASSERT_FALSE(version);
  std::string message = version.error().message;
  EXPECT_NE(message.find("test"), std::string::npos) << message;
  EXPECT_NE(message.find(api.url()), std::string::npos) << message;
  EXPECT_NE(message.find("TLS"), std::string::npos) << message;
}

TEST_F(KubeDouble, BadTokenIsDeniedAndNeverPrinted) {
  auto dir = std::filesystem::path(api.kubeconfig_path()).parent_path().string();
  auto bad = connect_to(write_kubeconfig(dir, api.url(), api.ca_file(), "s3cr3t-wrong-token"));
  Client wrong(bad.transport, bad.config.context_name);
  auto list = wrong.list({"", "v1", "ConfigMap"}, "default");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::kDenied) << list.error().describe();
  EXPECT_EQ(list.error().describe().find("s3cr3t-wrong-token"), std::string::npos);
}

TEST_F(KubeDouble, UnreachableServerFailsFastWithTheCause) {
  auto dir = std::filesystem::path(api.kubeconfig_path()).parent_path().string();
  // A port of 127.0.0.1 that nothing listens on: bind one and close it.
  ApiServerDouble* none = nullptr;
  (void)none;
  auto gone = connect_to(write_kubeconfig(dir, "https://127.0.0.1:1", api.ca_file(), api.token()));
  Client unreachable(gone.transport, gone.config.context_name);
  auto started = std::chrono::steady_clock::now();
  auto version = unreachable.server_version();
  ASSERT_FALSE(version);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(version.error().message.find("refused"), std::string::npos) << version.error().message;
}

TEST_F(KubeDouble, CreateGetListInPagesAndDelete) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(client.create(config_map("cm-" + std::to_string(i))));
  auto again = client.create(config_map("cm-0"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  api.clear_request_log();
  ListOptions options;
  options.page_size = 3;
  auto list = client.list({"", "v1", "ConfigMap"}, "default", options);
  ASSERT_TRUE(list) << list.error().describe();
  EXPECT_EQ(list->items.size(), 7u);
  EXPECT_EQ(list->items[0]["kind"], "ConfigMap");  // filled in, as servers omit it in list items
  EXPECT_EQ(api.request_log().size(), 3u);          // three pages

  ASSERT_TRUE(client.remove({"", "v1", "ConfigMap"}, "default", "cm-3"));
  auto missing = client.get({"", "v1", "ConfigMap"}, "default", "cm-3");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(KubeDouble, RetriesA429BurstHonouringRetryAfter) {
  api.fail_next(3, 429, 0);
  auto version = client.server_version();
  EXPECT_TRUE(version) << version.error().describe();
}

TEST_F(KubeDouble, ServerSideApplyReportsConflictsFieldByFieldAndForceTakesOver) {
  json deployment = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                     {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                     {"spec", {{"replicas", 2},
                               {"selector", {{"matchLabels", {{"app", "web"}}}}},
                               {"template", {{"metadata", {{"labels", {{"app", "web"}}}}},
                                             {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1"}}})}}}}}}}};
  ASSERT_TRUE(client.apply(deployment));
  json scaled = deployment;
  scaled["spec"]["replicas"] = 5;
  ApplyOptions other;
  other.field_manager = "kubectl";
  auto conflict = client.apply(scaled, other);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  std::string all = conflict.error().describe();
  EXPECT_NE(all.find(".spec.replicas"), std::string::npos) << all;
  other.force = true;
  auto forced = client.apply(scaled, other);
  ASSERT_TRUE(forced) << forced.error().describe();
  EXPECT_EQ((*forced)["spec"]["replicas"], 5);

  ApplyOptions dry;
  dry.dry_run = true;
  json changed = scaled;  // what kubectl now owns, with the same values: no conflict
  changed["metadata"]["labels"] = {{"tier", "web"}};
  auto dry_result = client.apply(changed, dry);
  ASSERT_TRUE(dry_result) << dry_result.error().describe();
  EXPECT_EQ((*dry_result)["metadata"]["labels"]["tier"], "web");
  EXPECT_FALSE(api.get("apps/v1", "Deployment", "default", "web")->at("/metadata"_json_pointer).contains("labels"));
}

TEST_F(KubeDouble, CustomResourcesAreFoundAfterTheirDefinitionIsCreated) {
  json crd = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"},
              {"metadata", {{"name", "widgets.example.com"}}},
              {"spec", {{"group", "example.com"}, {"scope", "Namespaced"},
                        {"names", {{"plural", "widgets"}, {"singular", "widget"}, {"kind", "Widget"}, {"shortNames", {"wd"}}}},
                        {"versions", json::array({{{"name", "v1"}, {"served", true}, {"storage", true},
                                                   {"schema", {{"openAPIV3Schema", {{"type", "object"},
                                                               {"x-kubernetes-preserve-unknown-fields", true}}}}}}})}}}};
  ASSERT_TRUE(client.discovery().resolve({"", "v1", "ConfigMap"}));  // discovery cached before the CRD exists
  ASSERT_TRUE(client.create(crd));
  json widget = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"},
                 {"metadata", {{"name", "w1"}, {"namespace", "default"}}}, {"spec", {{"size", 3}}}};
  auto applied = client.apply(widget);
  ASSERT_TRUE(applied) << applied.error().describe();
  auto by_short_name = client.discovery().resolve_name("wd");
  ASSERT_TRUE(by_short_name);
  EXPECT_EQ(by_short_name->resource, "widgets");
}

// Records every delivered change; checks no duplicate and no gap.
struct Recorder {
  std::mutex mutex;
  std::map<std::string, std::string> last_version;  // name -> resourceVersion
  std::set<std::string> deleted;
  int duplicates = 0;
  EventHandlers handlers() {
    return {.on_add = [this](const ObjectPtr& o) { see(*o, false); },
            .on_update = [this](const ObjectPtr&, const ObjectPtr& o) { see(*o, false); },
            .on_delete = [this](const ObjectPtr& o) { see(*o, true); }};
  }
  void see(const json& o, bool gone) {
    std::lock_guard lock(mutex);
    std::string name = o["metadata"]["name"];
    std::string rv = o["metadata"]["resourceVersion"];
    auto it = last_version.find(name);
    if (!gone && it != last_version.end() && std::stoll(it->second) >= std::stoll(rv)) ++duplicates;
    last_version[name] = rv;
    if (gone) deleted.insert(name);
    else deleted.erase(name);
  }
};

TEST_F(KubeDouble, InformerResumesAfterCutWatchesWithoutLossOrDuplicate) {
  for (int i = 0; i < 20; ++i) api.put(config_map("cm-" + std::to_string(i)));
  InformerOptions options;
  options.initial_backoff = std::chrono::milliseconds(20);
  Informer informer(client, {"", "v1", "ConfigMap"}, "default", {}, SystemClock::instance(), options);
  Recorder recorder;
  informer.add_handlers(recorder.handlers());
  std::jthread thread([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(eventually([&] { return informer.has_synced(); }));

  for (int round = 0; round < 10; ++round) {
    uint64_t watches = informer.metrics().watches;
    ASSERT_TRUE(eventually([&] { return api.open_watch_count() > 0; }));
    for (int i = 0; i < 20; ++i) api.put(config_map("cm-" + std::to_string(i), "default", std::to_string(round)));
    // Cut until the informer has had to start a new watch: the watch open on
    // the server may be the previous round's, already cut, while the
    // informer's next request has not reached the server yet; that one would
    // then run undisturbed and the informer rightly start no other.
    ASSERT_TRUE(eventually([&] {
      if (informer.metrics().watches > watches) return true;
      api.cut_watches(round % 2 == 0);  // half the time in the middle of an event line
      return false;
    }));
  }
  api.remove("v1", "ConfigMap", "default", "cm-0");
  auto final_version = [&] { return api.get("v1", "ConfigMap", "default", "cm-19")->at("/metadata/resourceVersion"_json_pointer); };
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(recorder.mutex);
    return recorder.deleted.contains("cm-0") && recorder.last_version["cm-19"] == final_version();
  }));
  EXPECT_EQ(recorder.duplicates, 0);
  EXPECT_EQ(informer.store().size(), 19u);
  EXPECT_GT(informer.metrics().watches, 10u);  // a new watch after every cut
  EXPECT_EQ(informer.metrics().relists, 0u);  // resumed from the last resourceVersion every time
}

TEST_F(KubeDouble, InformerRelistsAfterGoneAndDeliversTheDifference) {
  for (int i = 0; i < 5; ++i) api.put(config_map("cm-" + std::to_string(i)));
  InformerOptions options;
  options.initial_backoff = std::chrono::milliseconds(20);
  Informer informer(client, {"", "v1", "ConfigMap"}, "default", {}, SystemClock::instance(), options);
  Recorder recorder;
  informer.add_handlers(recorder.handlers());
  std::jthread thread([&](std::stop_token stop) { informer.run(stop); });
  ASSERT_TRUE(eventually([&] { return informer.has_synced(); }));
  // Changes the informer cannot see before the watch dies and history goes.
  api.set_latency(std::chrono::milliseconds(200));
  api.cut_watches(false);
  api.remove("v1", "ConfigMap", "default", "cm-1");
  api.put(config_map("cm-2", "default", "changed"));
  api.put(config_map("cm-9"));
  api.compact();
  api.set_latency(std::chrono::milliseconds(0));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(recorder.mutex);
    return recorder.deleted.contains("cm-1") && recorder.last_version.contains("cm-9");
  }));
  EXPECT_EQ(informer.store().size(), 5u);
  EXPECT_EQ(informer.store().get("default/cm-2")->at("/data/value"_json_pointer), "changed");
  EXPECT_EQ(recorder.duplicates, 0);
}

TEST_F(KubeDouble, OneLeaderAtATimeAndTheOtherTakesOverOnRelease) {
  LeaderElectionOptions options;
  options.lease_namespace = "default";
  options.lease_name = "pier-test";
  options.timing = {std::chrono::seconds(3), std::chrono::milliseconds(2000), std::chrono::milliseconds(200)};
  std::atomic<int> leaders{0}, max_leaders{0};
  std::atomic<int> led_a{0}, led_b{0};
  auto callbacks = [&](std::atomic<int>& led) {
    return LeaderCallbacks{.on_started_leading = [&](std::stop_token lost) {
                             int now = ++leaders;
                             max_leaders = std::max(max_leaders.load(), now);
                             ++led;
                             while (!lost.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
                             --leaders;
                           }};
  };
  options.identity = "a";
  auto a = LeaderElector::create(client, options, callbacks(led_a));
  options.identity = "b";
  Client client_b(connection.transport, "double");
  auto b = LeaderElector::create(client_b, options, callbacks(led_b));
  ASSERT_TRUE(a && b);
  std::stop_source stop_a, stop_b;
  std::thread ta([&] { (*a)->run(stop_a.get_token()); });
  ASSERT_TRUE(eventually([&] { return led_a.load() == 1; }));
  std::thread tb([&] { (*b)->run(stop_b.get_token()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(led_b.load(), 0);  // a holds it and renews
  stop_a.request_stop();       // a releases on the way out
  ta.join();
  EXPECT_TRUE(eventually([&] { return led_b.load() == 1; }, std::chrono::seconds(3)));
  stop_b.request_stop();
  tb.join();
  EXPECT_EQ(max_leaders.load(), 1);
  EXPECT_EQ(api.get("coordination.k8s.io/v1", "Lease", "default", "pier-test")->value("/spec/holderIdentity"_json_pointer, ""), "");
}

TEST_F(KubeDouble, ApplyPrunesWhatTheSetNoLongerHas) {
  ApplyRequest request;
  request.objects = {config_map("a"), config_map("b")};
  for (auto& o : request.objects) o["metadata"]["labels"] = {{"app.kubernetes.io/instance", "web"}};
  request.prune_selector = "app.kubernetes.io/instance=web";
  std::vector<std::string> lines;
  auto progress = [&](const std::string& line) { lines.push_back(line); };
  ASSERT_TRUE(apply_objects(client, request, progress));
  request.objects.pop_back();
  auto second = apply_objects(client, request, progress);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->pruned, std::vector<std::string>{"configmap/b"});
  EXPECT_FALSE(api.get("v1", "ConfigMap", "default", "b"));
  EXPECT_TRUE(api.get("v1", "ConfigMap", "default", "a"));
}

TEST_F(KubeDouble, DryRunOfANewNamespaceSaysWhatItCouldNotCheck) {
  ApplyRequest request;
  request.objects = {{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "fresh"}}}},
                     config_map("a", "fresh")};
  request.options.dry_run = true;
  std::vector<std::string> lines;
  auto result = apply_objects(client, request, [&](const std::string& line) { lines.push_back(line); });
  ASSERT_TRUE(result) << result.error().describe();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "namespace/fresh serverside-applied (server dry run)");
  EXPECT_EQ(lines[1], "configmap/a not checked (server dry run): namespace fresh does not exist yet");
  EXPECT_FALSE(api.get("v1", "Namespace", "", "fresh"));
}

json rolling_deployment(int generation_replicas) {
  return {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec", {{"replicas", generation_replicas},
                    {"selector", {{"matchLabels", {{"app", "web"}}}}},
                    {"template", {{"metadata", {{"labels", {{"app", "web"}}}}},
                                  {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1"}}})}}}}}}}};
}

TEST_F(KubeDouble, RolloutStatusFollowsTheStatusToDone) {
  api.put(rolling_deployment(3));
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  std::thread controller([&] {
    // What the Deployment controller would write, step by step.
    for (int ready = 0; ready <= 3; ++ready) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      api.set_status("apps/v1", "Deployment", "default", "web",
                     {{"observedGeneration", 1}, {"replicas", 3}, {"updatedReplicas", 3}, {"availableReplicas", ready},
                      {"readyReplicas", ready}});
    }
  });
  RolloutWaitOptions options;
  options.timeout = std::chrono::seconds(10);
  options.poll_interval = std::chrono::milliseconds(100);
  std::stop_source stop;
  auto outcome = wait_for_rollout(client, {"apps", "v1", "Deployment"}, "default", "web", options,
                                  [&](const std::string& line) {
                                    std::lock_guard lock(lines_mutex);
                                    lines.push_back(line);
                                  },
                                  stop.get_token());
  controller.join();
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_TRUE(outcome->done()) << outcome->message;
  EXPECT_EQ(outcome->message, "deployment \"web\" successfully rolled out");
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("Waiting for deployment"), std::string::npos) << lines[0];
}

TEST_F(KubeDouble, RolloutStatusFailsFastOnACrashLoopingNewPod) {
  json deployment = api.put(rolling_deployment(1));
  std::string uid = deployment["metadata"]["uid"];
  api.set_status("apps/v1", "Deployment", "default", "web",
                 {{"observedGeneration", 1}, {"replicas", 1}, {"updatedReplicas", 1}, {"availableReplicas", 0}});
  json rs = api.put({{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                     {"metadata", {{"name", "web-7d9f"}, {"namespace", "default"},
                                   {"labels", {{"app", "web"}, {"pod-template-hash", "7d9f"}}},
                                   {"annotations", {{"deployment.kubernetes.io/revision", "1"}}},
                                   {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                                                                     {"name", "web"}, {"uid", uid}, {"controller", true}}})}}},
                     {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "web"}, {"pod-template-hash", "7d9f"}}}}},
                               {"template", {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", "7d9f"}}}}},
                                             {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1"}}})}}}}}}}});
  api.put({{"apiVersion", "v1"}, {"kind", "Pod"},
           {"metadata", {{"name", "web-7d9f-abcde"}, {"namespace", "default"},
                         {"labels", {{"app", "web"}, {"pod-template-hash", "7d9f"}}},
                         {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                                                           {"name", "web-7d9f"}, {"uid", rs["metadata"]["uid"]},
                                                           {"controller", true}}})}}},
           {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1"}}})}}},
           {"status", {{"phase", "Running"},
                       {"containerStatuses", json::array({{{"name", "web"}, {"restartCount", 4}, {"ready", false},
                                                           {"state", {{"waiting", {{"reason", "CrashLoopBackOff"},
                                                                                   {"message", "back-off 1m20s restarting failed container"}}}}},
                                                           {"lastState", {{"terminated", {{"exitCode", 1}}}}}}})}}}});
  RolloutWaitOptions options;
  options.timeout = std::chrono::seconds(20);
  options.poll_interval = std::chrono::milliseconds(100);
  std::stop_source stop;
  auto started = std::chrono::steady_clock::now();
  auto outcome = wait_for_rollout(client, {"apps", "v1", "Deployment"}, "default", "web", options, nullptr, stop.get_token());
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->state, RolloutState::kFailed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  std::string all = outcome->to_error().describe();
  EXPECT_NE(all.find("web-7d9f-abcde"), std::string::npos) << all;
  EXPECT_NE(all.find("CrashLoopBackOff"), std::string::npos) << all;
}

}  // namespace
}  // namespace pier::kube
