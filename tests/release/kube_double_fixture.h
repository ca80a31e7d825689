// The release engine against the Kubernetes API server double: a connected
// client, a KubeTarget with short poll intervals, and a stand-in for the
// Deployment controller (the double has no controllers).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_server_double.h"
#include "kube/client.h"
#include "kube/connect.h"
#include "release/kube_target.h"

namespace pier::release::testing {

using nlohmann::json;
using pier::testing::ApiServerDouble;

inline kube::Connection connect_to(const std::string& kubeconfig) {
  kube::ConnectOptions options;
  options.kubeconfig = kubeconfig;
  options.transport.retry.base_delay = std::chrono::milliseconds(10);
  options.transport.retry.max_delay = std::chrono::milliseconds(50);
  options.transport.retry.max_retry_after = std::chrono::milliseconds(50);
  auto connection = kube::connect(options);
  EXPECT_TRUE(connection) << connection.error().describe();
  return std::move(*connection);
}

inline KubeTargetOptions fast_target_options() {
  KubeTargetOptions options;
  options.rollout.poll_interval = std::chrono::milliseconds(50);
  return options;
}

// Writes Deployment status as the controller would. kBecomeAvailable: a new
// generation is observed with no pod available, then, 100 ms later, with
// all of them. kCrashLoop: the new generation is observed, and its new
// ReplicaSet gets one pod in CrashLoopBackOff that never becomes available.
// kCrashLoopOnBrokenImage: kCrashLoop when the first container's image
// contains "broken", else kBecomeAvailable. kNeverAvailable: observed, and
// no pod ever becomes available (a rollout that waits until its deadline).
class FakeDeploymentController {
 public:
  enum class Behaviour { kBecomeAvailable, kCrashLoop, kCrashLoopOnBrokenImage, kNeverAvailable };

  FakeDeploymentController(ApiServerDouble& api, std::string namespace_name,
                           Behaviour behaviour = Behaviour::kBecomeAvailable)
      : api_(api), namespace_(std::move(namespace_name)), behaviour_(behaviour),
        thread_([this](std::stop_token stop) { run(stop); }) {}

 private:
  void run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      for (const json& d : api_.list("apps/v1", "Deployment", namespace_)) step(d);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void step(const json& d) {
    std::string name = d["metadata"]["name"];
    int64_t generation = d["metadata"].value("generation", 0);
    int64_t replicas = d["spec"].value("replicas", 1);
    json status = d.value("status", json::object());
    int64_t observed = status.value("observedGeneration", 0);
    auto now = std::chrono::steady_clock::now();
    if (observed != generation) {
      api_.set_status("apps/v1", "Deployment", namespace_, name,
                      {{"observedGeneration", generation}, {"replicas", replicas}, {"updatedReplicas", replicas},
                       {"readyReplicas", 0}, {"availableReplicas", 0}});
      observed_at_[name] = now;
      if (behaviour_for(d) == Behaviour::kCrashLoop) seed_crash_looping_pod(d, generation);
      return;
    }
    if (behaviour_for(d) == Behaviour::kBecomeAvailable && status.value("availableReplicas", 0) != replicas &&
        now - observed_at_[name] >= std::chrono::milliseconds(100))
      api_.set_status("apps/v1", "Deployment", namespace_, name,
                      {{"observedGeneration", generation}, {"replicas", replicas}, {"updatedReplicas", replicas},
                       {"readyReplicas", replicas}, {"availableReplicas", replicas}});
  }

  Behaviour behaviour_for(const json& d) const {
    if (behaviour_ != Behaviour::kCrashLoopOnBrokenImage) return behaviour_;
    std::string image = d["spec"]["template"]["spec"]["containers"][0].value("image", "");
    return image.find("broken") != std::string::npos ? Behaviour::kCrashLoop : Behaviour::kBecomeAvailable;
  }

  void seed_crash_looping_pod(const json& d, int64_t generation) {
    std::string name = d["metadata"]["name"];
    std::string hash = "5d8f7c" + std::to_string(generation);
    json pod_template = d["spec"]["template"];
    pod_template["metadata"]["labels"]["pod-template-hash"] = hash;
    json selector = d["spec"]["selector"]["matchLabels"];
    selector["pod-template-hash"] = hash;
    json rs = api_.put(
        {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
         {"metadata", {{"name", name + "-" + hash}, {"namespace", namespace_},
                       {"labels", pod_template["metadata"]["labels"]},
                       {"annotations", {{"deployment.kubernetes.io/revision", std::to_string(generation)}}},
                       {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                                                         {"name", name}, {"uid", d["metadata"]["uid"]},
                                                         {"controller", true}}})}}},
         {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", selector}}}, {"template", pod_template}}}});
    std::string container = pod_template["spec"]["containers"][0]["name"];
    api_.put({{"apiVersion", "v1"}, {"kind", "Pod"},
              {"metadata", {{"name", name + "-" + hash + "-abcde"}, {"namespace", namespace_},
                            {"labels", pod_template["metadata"]["labels"]},
                            {"ownerReferences", json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
                                                              {"name", rs["metadata"]["name"]},
                                                              {"uid", rs["metadata"]["uid"]}, {"controller", true}}})}}},
              {"spec", pod_template["spec"]},
              {"status", {{"phase", "Running"},
                          {"containerStatuses",
                           json::array({{{"name", container}, {"restartCount", 4}, {"ready", false},
                                         {"state", {{"waiting", {{"reason", "CrashLoopBackOff"},
                                                                 {"message", "back-off 1m20s restarting failed container"}}}}},
                                         {"lastState", {{"terminated", {{"exitCode", 1}}}}}}})}}}});
  }

  ApiServerDouble& api_;
  std::string namespace_;
  Behaviour behaviour_;
  std::map<std::string, std::chrono::steady_clock::time_point> observed_at_;
  std::jthread thread_;  // last: stopped and joined before the rest goes
};

// A connection to the double with its client and target.
struct ClusterSession {
  explicit ClusterSession(ApiServerDouble& api)
      : connection(connect_to(api.kubeconfig_path())),
        client(connection.transport, connection.config.context_name),
        target(client, fast_target_options()) {}
  kube::Connection connection;
  kube::Client client;
  KubeTarget target;
};

class KubeDoubleTest : public ::testing::Test {
 protected:
  kube::Client& client() { return session_->client; }
  KubeTarget& target() { return session_->target; }

  ApiServerDouble api;

 private:
  std::unique_ptr<ClusterSession> session_ = std::make_unique<ClusterSession>(api);
};

}  // namespace pier::release::testing
