// `pier lb`'s control loop with the nftables dataplane on the real kernel,
// in a network namespace of the test's own: the API server double's
// ConfigMap, Services and EndpointSlices end up as `table inet pier_lb`,
// an endpoint change rewrites it, a restart changes nothing. (Traffic
// through the table is lb_nftables_netns_test's.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "api_server_double.h"
#include "kube/connect.h"
#include "support/shell.h"
#include "lb/cluster_feedback.h"
#include "lb/cluster_inputs.h"
#include "lb/lb_controller.h"
#include "lb/lb_metrics.h"
#include "lb/nft_dataplane.h"
#include "server/json_log.h"
#include "server/metrics.h"
#include "support/eventually.h"

namespace pier::lb {
namespace {

using nlohmann::json;
using pier::testing::eventually;

using pier::testing::shell;

class LbControllerNftablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace";
    netns_ = "pier-lbc-" + std::to_string(::getpid());
    shell("ip netns del " + netns_);
    if (shell("ip netns add " + netns_ + " && echo made").find("made") == std::string::npos)
      GTEST_SKIP() << "cannot create a network namespace";
    made_ = true;
    kube::ConnectOptions options;
    options.kubeconfig = api_.kubeconfig_path();
    auto connection = kube::connect(options);
    ASSERT_TRUE(connection) << connection.error().describe();
    connection_ = std::move(*connection);
    client_ = std::make_unique<kube::Client>(connection_.transport, connection_.config.context_name);
    api_.put({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"namespace", "kube-system"}, {"name", "lvs"}}},
              {"data", {{"10.1.3.225-80", "10.1.0.130:80, 10.1.51.20:80"}, {"10.1.3.226", "shop/web:fwd=fullnat"}}}});
    api_.put({{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"namespace", "shop"}, {"name", "web"}}},
              {"spec", {{"ports", json::array({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}})}}}});
    put_slice({"10.2.0.11", "10.2.0.12"});
  }
  void TearDown() override {
    stop();
    if (made_) shell("ip netns del " + netns_);
  }

  void put_slice(std::vector<std::string> addresses) {
    json endpoints = json::array();
    for (const auto& a : addresses) endpoints.push_back({{"addresses", {a}}, {"conditions", {{"ready", true}}}});
    api_.put({{"apiVersion", "discovery.k8s.io/v1"}, {"kind", "EndpointSlice"},
              {"metadata", {{"namespace", "shop"}, {"name", "web-1"}, {"labels", {{"kubernetes.io/service-name", "web"}}}}},
              {"addressType", "IPv4"}, {"ports", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}})},
              {"endpoints", endpoints}});
  }

  void start() {
    auto dataplane = NftDataplane::create({.netns = "/run/netns/" + netns_});
    ASSERT_TRUE(dataplane) << dataplane.error().message;
    dataplane_ = std::move(*dataplane);
    inputs_ = std::make_unique<ClusterInputs>(*client_, ClusterInputsOptions{.configmap_namespace = "kube-system",
                                                                            .configmap_name = "lvs"});
    feedback_ = std::make_unique<KubeFeedback>(*client_, *inputs_, KubeFeedbackOptions{.node = "lvs-1"});
    registry_ = std::make_unique<server::MetricsRegistry>();
    metrics_ = std::make_unique<LbMetrics>(*registry_, "nftables");
    ControllerOptions options;
    options.tick = std::chrono::milliseconds(50);
    controller_ = std::make_unique<LbController>(*inputs_, *dataplane_, *feedback_, *metrics_,
                                                 server::Logger(std::make_shared<server::MemoryLogSink>(), "lb"), options);
    informers_ = std::jthread([this](std::stop_token stop) { inputs_->run(stop); });
    loop_ = std::jthread([this](std::stop_token stop) { controller_->run(stop); });
  }
  void stop() {
    for (auto* thread : {&loop_, &informers_}) {
      if (!thread->joinable()) continue;
      thread->request_stop();
      thread->join();
    }
  }
  std::string table() { return shell("ip netns exec " + netns_ + " nft list table inet pier_lb"); }

  pier::testing::ApiServerDouble api_;
  kube::Connection connection_;
  std::unique_ptr<kube::Client> client_;
  std::string netns_;
  bool made_ = false;
  std::unique_ptr<NftDataplane> dataplane_;
  std::unique_ptr<ClusterInputs> inputs_;
  std::unique_ptr<KubeFeedback> feedback_;
  std::unique_ptr<server::MetricsRegistry> registry_;
  std::unique_ptr<LbMetrics> metrics_;
  std::unique_ptr<LbController> controller_;
  std::jthread informers_;
  std::jthread loop_;
};

TEST_F(LbControllerNftablesTest, TheClusterBecomesTheTableAndFollowsEndpoints) {
  start();
  ASSERT_TRUE(eventually([&] {
    std::string t = table();
    return t.find("10.1.0.130") != std::string::npos && t.find("10.1.51.20") != std::string::npos &&
           t.find("10.2.0.11") != std::string::npos && t.find("10.2.0.12") != std::string::npos;
  })) << table();
  EXPECT_TRUE(eventually([&] { return controller_->ready(); }));

  put_slice({"10.2.0.11", "10.2.0.13"});
  ASSERT_TRUE(eventually([&] {
    std::string t = table();
    return t.find("10.2.0.13") != std::string::npos && t.find("10.2.0.12") == std::string::npos;
  })) << table();

  // A restart: the table is read back and nothing is written.
  ASSERT_TRUE(eventually([&] { return controller_->syncs() >= 2; }));
  std::string before = table();
  stop();
  start();
  ASSERT_TRUE(eventually([&] { return controller_->syncs() >= 3; }));
  std::string metrics = registry_->expose();
  EXPECT_EQ(metrics.find("pier_lb_operations_total{dataplane=\"nftables\""), std::string::npos) << metrics;
  EXPECT_EQ(table(), before);
}

}  // namespace
}  // namespace pier::lb
