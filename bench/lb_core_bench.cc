// The load balancer's pure core at scale: 20,000 virtual services and
// 200,000 real servers (10,000 from ConfigMap keys naming Services, 10,000
// LoadBalancer Services with VIPs from the pool, 10 endpoints each).
//
//   build-lb/bench/lb_core_bench --benchmark_min_time=1x   (or `make`-built build/bench/...)
//
// Figures: full compute_desired + diff (cold: empty dataplane; restart: the
// dataplane already right), peak RSS (getrusage), and one EndpointSlice
// change -> operations: latency p50/p99 over 1000 changes and operations per
// change. Targets (issue 6): full < 500 ms, RSS < 300 MB, incremental p99 < 5 ms.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "lb/desired_state.h"
#include "lb/endpoint_slices.h"
#include "lb/reconcile_diff.h"

namespace {

using namespace pier::lb;
using nlohmann::json;

constexpr int kServices = 20000;
constexpr int kEndpoints = 10;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

std::string ip(int a, int b, int c, int d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

json endpoint(int service, int index, bool ready = true) {
  return {{"addresses", {ip(10, 64 + service / 65536 * 16 + index, (service >> 8) & 255, service & 255)}},
          {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}},
          {"nodeName", "node-" + std::to_string(index)}};
}

json slice(int service, const std::string& name) {
  json endpoints = json::array();
  for (int e = 0; e < kEndpoints; ++e) endpoints.push_back(endpoint(service, e));
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"namespace", "ns" + std::to_string(service % 100)}, {"name", name + "-abcde"},
                        {"labels", {{"kubernetes.io/service-name", name}}}}},
          {"addressType", "IPv4"},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}},
          {"endpoints", endpoints}};
}

struct World {
  Snapshot snapshot;
  std::map<std::string, size_t> slice_of;  // "ns/name" -> index in endpoint_slices
  double rss_before = 0, rss_snapshot = 0;
};

World& world() {
  static World* w = [] {
    auto* w = new World;
    w->rss_before = peak_rss_mb();
    Snapshot& s = w->snapshot;
    s.config.vip_pool = {"10.200.0.0/16"};
    for (int i = 0; i < kServices; ++i) {
      std::string name = "svc-" + std::to_string(i);
      std::string ns = "ns" + std::to_string(i % 100);
      bool load_balancer = i % 2 == 1;
      s.services.push_back({{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata", {{"namespace", ns}, {"name", name}}},
                            {"spec", {{"type", load_balancer ? "LoadBalancer" : "ClusterIP"},
                                      {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}}}}}}});
      if (!load_balancer) s.configmap[ip(10, 100, i >> 8, i & 255)] = ns + "/" + name + ":s";
      w->slice_of[ns + "/" + name] = s.endpoint_slices.size();
      s.endpoint_slices.push_back(slice(i, name));
    }
    w->rss_snapshot = peak_rss_mb();
    return w;
  }();
  return *w;
}

// What the dataplane holds once it applied `vs` (every server has connections).
ActualService actual_from_one(const VirtualService& vs) {
  ActualService as{vs.key, vs.scheduler, vs.forwarding, vs.persistence_seconds, true, {}};
  as.real_servers.reserve(vs.real_servers.size());
  for (const auto& rs : vs.real_servers) as.real_servers.push_back({rs, 2, std::nullopt});
  return as;
}

// The dataplane's state when it already matches (a restart).
Actual actual_from(const Desired& desired) {
  Actual actual;
  for (const auto& [key, vs] : desired.services) actual.services.emplace_hint(actual.services.end(), key, actual_from_one(vs));
  return actual;
}

void BM_FullComputeAndDiffCold(benchmark::State& state) {
  World& w = world();
  size_t operations = 0, services = 0, servers = 0;
  for (auto _ : state) {
    Desired desired = compute_desired(w.snapshot);
    DiffResult result = diff(desired, Actual{}, {std::chrono::steady_clock::now()});
    operations = result.operations.size();
    services = desired.services.size();
    servers = 0;
    for (const auto& [key, vs] : desired.services) servers += vs.real_servers.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["virtual_services"] = static_cast<double>(services);
  state.counters["real_servers"] = static_cast<double>(servers);
  state.counters["operations"] = static_cast<double>(operations);
  state.counters["snapshot_rss_MB"] = w.rss_snapshot - w.rss_before;
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_FullComputeAndDiffCold)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_FullComputeAndDiffRestart(benchmark::State& state) {
  World& w = world();
  Actual actual = actual_from(compute_desired(w.snapshot));
  size_t operations = 0;
  for (auto _ : state) {
    Desired desired = compute_desired(w.snapshot);
    DiffResult result = diff(desired, actual, {std::chrono::steady_clock::now()});
    operations = result.operations.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["operations"] = static_cast<double>(operations);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_FullComputeAndDiffRestart)->Unit(benchmark::kMillisecond)->Iterations(5);

// One EndpointSlice changes (a pod replaced: one endpoint out, one in, or a
// pod turning unready), then refresh_endpoints + incremental diff: the
// controller's path from an informer event to the dataplane call.
void BM_EndpointChangeToOperations(benchmark::State& state) {
  World& w = world();
  Desired desired = compute_desired(w.snapshot);
  Actual actual = actual_from(desired);
  // Changed in place: the last benchmark, and a copy would double the RSS.
  std::vector<json>& slices = w.snapshot.endpoint_slices;
  std::mt19937 random(42);
  std::vector<double> micros;
  size_t operations = 0, changes = 0;
  for (auto _ : state) {
    for (int change = 0; change < 1000; ++change) {
      int service = static_cast<int>(random() % kServices);
      std::string id = "ns" + std::to_string(service % 100) + "/svc-" + std::to_string(service);
      json& s = slices[w.slice_of.at(id)];
      int victim = static_cast<int>(random() % kEndpoints);
      // Alternate: replace an endpoint by a new pod, or flip its readiness.
      if (change % 2 == 0) s["endpoints"][victim] = endpoint(service, kEndpoints + change % 8);
      else s["endpoints"][victim]["conditions"]["ready"] = !s["endpoints"][victim]["conditions"]["ready"].get<bool>();
      auto start = std::chrono::steady_clock::now();
      std::vector<ServiceKey> keys = refresh_endpoints(desired, id, {&s}, w.snapshot.config);
      DiffResult result = diff(desired, actual, {start}, keys);
      auto end = std::chrono::steady_clock::now();
      micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
      operations += result.operations.size();
      ++changes;
      benchmark::DoNotOptimize(result);
      // The dataplane applied them: the actual state follows (outside the timing).
      for (const auto& key : keys) actual.services[key] = actual_from_one(desired.services.at(key));
    }
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["max_us"] = micros.back();
  state.counters["ops_per_change"] = static_cast<double>(operations) / static_cast<double>(changes);
  state.counters["changes"] = static_cast<double>(changes);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_EndpointChangeToOperations)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
