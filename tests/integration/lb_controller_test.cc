// `pier lb`'s control loop end to end: the Kubernetes API double (a
// ConfigMap in the seed's format, Services, EndpointSlices), the ipvs
// dataplane on the fake kernel (the same netlink bytes), Events, the
// status write-back, metrics, an API outage and a restart.
#include <gtest/gtest.h>
#include <linux/ip_vs.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include "api_server_double.h"
#include "fake_ipvs_kernel.h"
#include "kube/connect.h"
#include "lb/cluster_feedback.h"
#include "lb/cluster_inputs.h"
#include "lb/controller_health.h"
#include "lb/ipvs_dataplane.h"
#include "lb/lb_controller.h"
#include "lb/lb_metrics.h"
#include "lb/socket_address.h"
#include "server/json_log.h"
#include "server/metrics.h"
#include "support/eventually.h"

namespace pier::lb {
namespace {

using nlohmann::json;
using pier::testing::ApiServerDouble;
using pier::testing::eventually;
using testing::FakeIpvsKernel;
using testing::FakeIpvsTable;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
ServiceKey tcp(const char* vip, uint16_t port) { return ServiceKey{ip(vip), port, Protocol::kTcp}; }

json service(const std::string& ns, const std::string& name, json ports, json extra_spec = json::object(),
             json annotations = json::object()) {
  json spec = {{"ports", ports}, {"selector", {{"app", name}}}};
  spec.update(extra_spec);
  return {{"apiVersion", "v1"}, {"kind", "Service"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"annotations", annotations}}}, {"spec", spec}};
}

json slice(const std::string& ns, const std::string& service_name, json ports, std::vector<std::pair<std::string, bool>> endpoints) {
  json list = json::array();
  for (const auto& [address, ready] : endpoints)
    list.push_back({{"addresses", {address}}, {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}}});
  return {{"apiVersion", "discovery.k8s.io/v1"}, {"kind", "EndpointSlice"},
          {"metadata", {{"namespace", ns}, {"name", service_name + "-abc"},
                        {"labels", {{"kubernetes.io/service-name", service_name}}}}},
          {"addressType", "IPv4"}, {"ports", ports}, {"endpoints", list}};
}

class LbControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pier-lb-ctl-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    kube::ConnectOptions options;
    options.kubeconfig = api_.kubeconfig_path();
    options.transport.retry.base_delay = std::chrono::milliseconds(10);
    options.transport.retry.max_delay = std::chrono::milliseconds(50);
    options.transport.retry.max_retry_after = std::chrono::milliseconds(50);
    auto connection = kube::connect(options);
    ASSERT_TRUE(connection) << connection.error().describe();
    connection_ = std::move(*connection);
    client_ = std::make_unique<kube::Client>(connection_.transport, connection_.config.context_name);

    // The seed's example: explicit real servers, and a Service named with option s.
    api_.put({{"apiVersion", "v1"}, {"kind", "ConfigMap"},
              {"metadata", {{"namespace", "kube-system"}, {"name", "lvs"}}},
              {"data", {{"10.1.3.225-80", "10.1.0.130:80, 10.1.51.20:80"},
                        {"10.1.3.226", "gslb/nginx-ingress-controller-new-lb:s"},
                        {"10.1.3.999", "gslb/whatever"}}}});
    api_.put(service("gslb", "nginx-ingress-controller-new-lb", json::array({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}})));
    api_.put(slice("gslb", "nginx-ingress-controller-new-lb", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}),
                   {{"10.2.0.11", true}, {"10.2.0.12", true}}));
    api_.put(service("shop", "web", json::array({{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}}}),
                     {{"type", "LoadBalancer"}}));
    api_.put(slice("shop", "web", json::array({{{"name", "https"}, {"port", 8443}, {"protocol", "TCP"}}}),
                   {{"10.2.1.5", true}}));
  }

  void TearDown() override {
    stop();
    std::filesystem::remove_all(dir_);
  }

  void start(std::optional<HealthCheck> health_check = std::nullopt) {
    auto dataplane = IpvsDataplane::open(std::make_unique<FakeIpvsKernel>(table_), dir_ / "owned.json");
    ASSERT_TRUE(dataplane) << dataplane.error().message;
    dataplane_ = std::move(*dataplane);
    inputs_ = std::make_unique<ClusterInputs>(*client_, ClusterInputsOptions{.configmap_namespace = "kube-system",
                                                                            .configmap_name = "lvs"});
    feedback_ = std::make_unique<KubeFeedback>(*client_, *inputs_, KubeFeedbackOptions{.node = "lvs-1"});
    registry_ = std::make_unique<server::MetricsRegistry>();
    metrics_ = std::make_unique<LbMetrics>(*registry_, "ipvs");
    ControllerOptions options;
    options.config.vip_pool = {"10.1.4.0/28"};
    options.tick = std::chrono::milliseconds(50);
    options.initial_backoff = std::chrono::milliseconds(20);
    options.max_backoff = std::chrono::milliseconds(200);
    options.drain_timeout = std::chrono::seconds(300);
    ControllerHooks hooks;
    if (health_check) {
      health_ = std::make_unique<ControllerHealth>(*health_check, *inputs_, *feedback_, *metrics_, server::Logger(log_, "lb"),
                                                   HealthCheckerOptions{.workers = 2});
      health_->add_to(hooks);
    }
    controller_ = std::make_unique<LbController>(*inputs_, *dataplane_, *feedback_, *metrics_,
                                                 server::Logger(log_, "lb"), options, hooks);
    informers_ = std::jthread([this](std::stop_token stop) { inputs_->run(stop); });
    loop_ = std::jthread([this](std::stop_token stop) { controller_->run(stop); });
  }

  void stop() {
    if (loop_.joinable()) {
      loop_.request_stop();
      loop_.join();
    }
    if (informers_.joinable()) {
      informers_.request_stop();
      informers_.join();
    }
    health_.reset();
  }

  // (address, port, weight) of a kernel service, under the fake kernel's lock.
  std::vector<RealServer> kernel(const ServiceKey& key) {
    std::lock_guard lock(table_.mutex);
    auto it = table_.services.find(key);
    if (it == table_.services.end()) return {};
    std::vector<RealServer> out;
    for (const auto& d : it->second.dests) out.push_back(d.server.server);
    std::sort(out.begin(), out.end(), endpoint_less);
    return out;
  }
  bool kernel_has(const ServiceKey& key) {
    std::lock_guard lock(table_.mutex);
    return table_.services.contains(key);
  }
  int mutations() {
    std::lock_guard lock(table_.mutex);
    int n = 0;
    for (const auto& [command, count] : table_.requests)
      if (command != IPVS_CMD_GET_SERVICE && command != IPVS_CMD_GET_DEST) n += count;
    return n;
  }

  std::filesystem::path dir_;
  ApiServerDouble api_;
  kube::Connection connection_;
  std::unique_ptr<kube::Client> client_;
  FakeIpvsTable table_;
  std::unique_ptr<IpvsDataplane> dataplane_;
  std::unique_ptr<ClusterInputs> inputs_;
  std::unique_ptr<KubeFeedback> feedback_;
  std::unique_ptr<server::MetricsRegistry> registry_;
  std::unique_ptr<LbMetrics> metrics_;
  std::shared_ptr<server::MemoryLogSink> log_ = std::make_shared<server::MemoryLogSink>();
  std::unique_ptr<ControllerHealth> health_;
  std::unique_ptr<LbController> controller_;
  std::jthread informers_;
  std::jthread loop_;
};

TEST_F(LbControllerTest, TheClusterBecomesVirtualServicesStatusesAndEvents) {
  start();
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.3.225", 80)).size() == 2; }));
  EXPECT_EQ(kernel(tcp("10.1.3.225", 80))[0], (RealServer{ip("10.1.0.130"), 80, 1}));
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.3.226", 80)).size() == 2; }));
  EXPECT_EQ(kernel(tcp("10.1.3.226", 80))[0], (RealServer{ip("10.2.0.11"), 8080, 1}));
  // The LoadBalancer Service got the pool's first address, in its status too.
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.4.0", 443)).size() == 1; }));
  ASSERT_TRUE(eventually([&] {
    auto web = api_.get("v1", "Service", "shop", "web");
    return web && web->value("/status/loadBalancer/ingress/0/ip"_json_pointer, std::string()) == "10.1.4.0";
  }));
  // The malformed key: an Event on the ConfigMap; the rest works.
  ASSERT_TRUE(eventually([&] {
    for (const auto& event : api_.list("v1", "Event", "kube-system"))
      if (event.value("reason", "") == "InvalidEntry" &&
          event.value("/involvedObject/name"_json_pointer, std::string()) == "lvs" &&
          event.value("message", "").find("10.1.3.999") != std::string::npos)
        return true;
    return false;
  }));
  EXPECT_TRUE(eventually([&] { return controller_->ready(); }));
  std::string metrics = registry_->expose();
  EXPECT_NE(metrics.find("pier_lb_rejected_entries 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("lvs_service_ready_endpoints{vip=\"10.1.3.226\",vport=\"80\",protocol=\"TCP\","
                         "namespace=\"gslb\",service=\"nginx-ingress-controller-new-lb\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pier_lb_last_successful_sync_timestamp_seconds{dataplane=\"ipvs\"}"), std::string::npos);
}

TEST_F(LbControllerTest, AnEndpointLeavingIsDrainedThenRemovedAndTrafficIsExported) {
  start();
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.3.226", 80)).size() == 2; }));
  {
    std::lock_guard lock(table_.mutex);
    auto& entry = table_.services.at(tcp("10.1.3.226", 80));
    entry.service.stats = IpvsStats{.conns = 42, .inpkts = 400, .outpkts = 380, .inbytes = 24000, .outbytes = 900000};
    for (auto& d : entry.dests)
      if (d.server.server.address == ip("10.2.0.12")) d.server.active_connections = 3;
  }
  api_.put(slice("gslb", "nginx-ingress-controller-new-lb", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}),
                 {{"10.2.0.11", true}}));
  // Connections still open: drained to weight 0, not removed.
  ASSERT_TRUE(eventually([&] {
    auto servers = kernel(tcp("10.1.3.226", 80));
    return servers.size() == 2 && servers[1].weight == 0;
  }));
  {
    std::lock_guard lock(table_.mutex);
    for (auto& d : table_.services.at(tcp("10.1.3.226", 80)).dests) d.server.active_connections = 0;
  }
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.3.226", 80)).size() == 1; }));
  ASSERT_TRUE(eventually([&] {
    return registry_->expose().find("lvs_service_stat_conns_total{vip=\"10.1.3.226\",vport=\"80\",protocol=\"TCP\","
                                    "namespace=\"gslb\",service=\"nginx-ingress-controller-new-lb\"} 42") !=
           std::string::npos;
  })) << registry_->expose();
}

TEST_F(LbControllerTest, AnApiOutageKeepsTheDataplaneAndARestartChangesNothing) {
  start();
  ASSERT_TRUE(eventually([&] { return kernel(tcp("10.1.3.226", 80)).size() == 2 && kernel_has(tcp("10.1.4.0", 443)); }));
  ASSERT_TRUE(eventually([&] { return controller_->ready(); }));
  // The API server answers nothing but errors for a while, and its watches die.
  api_.fail_next(200, 503);
  api_.cut_watches();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(kernel(tcp("10.1.3.226", 80)).size(), 2u);
  EXPECT_EQ(kernel(tcp("10.1.3.225", 80)).size(), 2u);
  api_.fail_next(0, 503);

  // A restart against the same kernel: nothing to change.
  stop();
  int before = mutations();
  start();
  ASSERT_TRUE(eventually([&] { return controller_->syncs() >= 3; }));
  EXPECT_EQ(mutations(), before);
  EXPECT_EQ(kernel(tcp("10.1.3.225", 80)).size(), 2u);

  // And it still follows changes.
  api_.put(slice("shop", "web", json::array({{{"name", "https"}, {"port", 8443}, {"protocol", "TCP"}}}),
                 {{"10.2.1.5", true}, {"10.2.1.6", true}}));
  EXPECT_TRUE(eventually([&] { return kernel(tcp("10.1.4.0", 443)).size() == 2; }));
}

TEST_F(LbControllerTest, AForeignVirtualServiceIsNeverTouched) {
  {
    std::lock_guard lock(table_.mutex);
    FakeIpvsTable::Service foreign;
    foreign.service.service.key = tcp("10.1.3.225", 80);  // the ConfigMap wants this one
    foreign.service.scheduler_name = "rr";
    IpvsDest dest;
    dest.server.server = RealServer{ip("192.0.2.7"), 80, 9};
    dest.forwarding = Forwarding::kDr;
    foreign.dests.push_back(dest);
    table_.services.emplace(foreign.service.service.key, foreign);
  }
  start();
  ASSERT_TRUE(eventually([&] {
    for (const auto& event : api_.list("v1", "Event", "kube-system"))
      if (event.value("reason", "") == "ForeignVirtualService") return true;
    return false;
  }));
  auto servers = kernel(tcp("10.1.3.225", 80));
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0], (RealServer{ip("192.0.2.7"), 80, 9}));
  EXPECT_TRUE(kernel_has(tcp("10.1.3.226", 80)));
}

// Several LVS nodes run the same controller (ECMP over OSPF): each reads
// the same cluster and must end with the same table, whatever order its
// informers delivered things in.
TEST_F(LbControllerTest, TwoNodesConvergeToTheSameTable) {
  start();
  // web has its VIP from the pool in its status before anything else comes.
  ASSERT_TRUE(eventually([&] {
    auto web = api_.get("v1", "Service", "shop", "web");
    return web && web->value("/status/loadBalancer/ingress/0/ip"_json_pointer, std::string()) == "10.1.4.0";
  }));
  FakeIpvsTable second_table;
  auto second_dataplane = IpvsDataplane::open(std::make_unique<FakeIpvsKernel>(second_table, 1), dir_ / "owned-2.json");
  ASSERT_TRUE(second_dataplane);
  ClusterInputs second_inputs(*client_, {.configmap_namespace = "kube-system", .configmap_name = "lvs"});
  KubeFeedback second_feedback(*client_, second_inputs, {.node = "lvs-2"});
  server::MetricsRegistry second_registry;
  LbMetrics second_metrics(second_registry, "ipvs");
  ControllerOptions options;
  options.config.vip_pool = {"10.1.4.0/28"};
  options.tick = std::chrono::milliseconds(50);
  LbController second(second_inputs, **second_dataplane, second_feedback, second_metrics, server::Logger(log_, "lb"), options);
  std::jthread second_informers([&](std::stop_token stop) { second_inputs.run(stop); });
  std::jthread second_loop([&](std::stop_token stop) { second.run(stop); });

  // A few changes while both run.
  api_.put(slice("shop", "web", json::array({{{"name", "https"}, {"port", 8443}, {"protocol", "TCP"}}}),
                 {{"10.2.1.5", true}, {"10.2.1.7", true}, {"10.2.1.9", false}}));
  api_.put(service("shop", "api", json::array({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}}),
                   {{"type", "LoadBalancer"}}));
  api_.put(slice("shop", "api", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}),
                 {{"10.2.2.1", true}}));

  auto table_of = [](FakeIpvsTable& table) {
    std::lock_guard lock(table.mutex);
    std::map<ServiceKey, std::pair<std::string, std::vector<RealServer>>> out;
    for (const auto& [key, entry] : table.services) {
      std::vector<RealServer> servers;
      for (const auto& d : entry.dests) servers.push_back(d.server.server);
      std::sort(servers.begin(), servers.end(), endpoint_less);
      out[key] = {entry.service.scheduler_name, servers};
    }
    return out;
  };
  EXPECT_TRUE(eventually([&] {
    auto first = table_of(table_);
    // web keeps its VIP (from its status); api takes the next one.
    return first.size() == 4 && first == table_of(second_table) && kernel(tcp("10.1.4.0", 443)).size() == 2 &&
           kernel(tcp("10.1.4.1", 80)).size() == 1;
  })) << [&] {
    std::string text;
    for (auto* table : {&table_, &second_table})
      for (const auto& [key, entry] : table_of(*table)) text += key.text() + " " + std::to_string(entry.second.size()) + "\n";
    return text;
  }();
  second_loop.request_stop();
  second_loop.join();
  second_informers.request_stop();
  second_informers.join();
}

// A listening socket on 127.0.0.1 (the health check's "up"), closed by the destructor.
class Listener {
 public:
  explicit Listener(uint16_t port = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    SocketAddress at = socket_address(ip("127.0.0.1"), port);
    ok_ = ::bind(fd_, at.get(), at.length) == 0 && ::listen(fd_, 16) == 0;
    socklen_t length = sizeof at.storage;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&at.storage), &length);
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&at.storage)->sin_port);
  }
  ~Listener() { ::close(fd_); }
  uint16_t port() const { return port_; }
  bool ok() const { return ok_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  bool ok_ = false;
};

TEST_F(LbControllerTest, AFailingRealServerGetsWeightZeroAnEventAndComesBack) {
  Listener up;
  uint16_t down_port;
  {
    Listener gone;
    down_port = gone.port();
  }
  ASSERT_TRUE(up.ok());
  std::string servers = "127.0.0.1:" + std::to_string(up.port()) + ", 127.0.0.1:" + std::to_string(down_port);
  api_.put({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"namespace", "kube-system"}, {"name", "lvs"}}},
            {"data", {{"10.1.3.230-80", servers}}}});
  HealthCheck check;
  check.kind = HealthCheckKind::kTcp;
  check.interval_seconds = 1;
  check.connect_timeout_seconds = 1;
  check.retry_delay_seconds = 1;
  check.fall = 1;
  check.rise = 1;
  start(check);
  auto weight_of = [&](uint16_t port) -> std::optional<uint32_t> {
    for (const auto& rs : kernel(tcp("10.1.3.230", 80)))
      if (rs.port == port) return rs.weight;
    return std::nullopt;
  };
  ASSERT_TRUE(eventually([&] { return weight_of(down_port) == 0u && weight_of(up.port()) == 1u; }))
      << registry_->expose();
  ASSERT_TRUE(eventually([&] {
    for (const auto& event : api_.list("v1", "Event", "kube-system"))
      if (event.value("reason", "") == "RealServerDown" &&
          event.value("message", "").find(":" + std::to_string(down_port)) != std::string::npos)
        return true;
    return false;
  }));
  std::string metrics = registry_->expose();
  EXPECT_NE(metrics.find("lvs_endpoint_up{vip=\"10.1.3.230\",vport=\"80\",protocol=\"TCP\",namespace=\"\",service=\"\","
                         "endpoint=\"127.0.0.1\",port=\"" + std::to_string(down_port) + "\"} 0"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pier_lb_health_check_failures_total{vip=\"10.1.3.230\""), std::string::npos) << metrics;

  // It answers again: back at its weight.
  Listener back(down_port);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(eventually([&] { return weight_of(down_port) == 1u; }));
}

}  // namespace
}  // namespace pier::lb
