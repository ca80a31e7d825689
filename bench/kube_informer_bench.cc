// Informers against the API server double on loopback, at the scale of a
// big cluster's load balancer inputs:
//   1. time until the caches hold 10,000 Services and 1,000 EndpointSlices
//      of 100 endpoints each (100,000 endpoints), listed in pages as
//      client-go does, then watched;
//   2. the peak RSS of this process (the client) after that;
//   3. watch-event-to-handler latency, p50 and p99, at 1,000 Service
//      changes per second.
// The double runs in a child process, so its CPU and memory are not the
// client's; both read CLOCK_MONOTONIC, which is shared by the processes of
// one machine, so the latency is what a controller would see.
//
// Usage: kube_informer_bench [--services N] [--slices N] [--endpoints N]
//                            [--rate EVENTS_PER_S] [--seconds S]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api_server_double.h"
#include "kube/client.h"
#include "kube/connect.h"
#include "kube/informer.h"

namespace {

using nlohmann::json;
using namespace pier;

struct Settings {
  int services = 10'000;
  int slices = 1'000;
  int endpoints_per_slice = 100;
  int rate = 1'000;
  double seconds = 5;
};

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

long rss_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

std::string ns_of(int i) { return "team-" + std::to_string(i % 20); }

json service(int i) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", "svc-" + std::to_string(i)}, {"namespace", ns_of(i)},
                        {"labels", {{"app.kubernetes.io/name", "svc-" + std::to_string(i)}}}}},
          {"spec", {{"type", "ClusterIP"},
                    {"clusterIP", "10.96." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)},
                    {"selector", {{"app", "svc-" + std::to_string(i)}}},
                    {"ports", json::array({{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}}})}}}};
}

json endpoint_slice(int i, int endpoints) {
  json list = json::array();
  for (int e = 0; e < endpoints; ++e) {
    int n = i * endpoints + e;
    list.push_back({{"addresses", json::array({"10." + std::to_string(n / 65536 % 256) + "." +
                                                std::to_string(n / 256 % 256) + "." + std::to_string(n % 256)})},
                    {"conditions", {{"ready", true}, {"serving", true}, {"terminating", false}}},
                    {"nodeName", "node-" + std::to_string(n % 50)},
                    {"targetRef", {{"kind", "Pod"}, {"name", "pod-" + std::to_string(n)}, {"namespace", ns_of(i)}}}});
  }
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"name", "svc-" + std::to_string(i) + "-abcde"}, {"namespace", ns_of(i)},
                        {"labels", {{"kubernetes.io/service-name", "svc-" + std::to_string(i)}}}}},
          {"addressType", "IPv4"},
          {"endpoints", std::move(list)},
          {"ports", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}})}};
}

// The child: seeds the double, tells the parent where it is, changes
// Services at the asked rate when told, exits when told.
[[noreturn]] void run_double(const Settings& s, int to_parent, int from_parent) {
  testing::DoubleOptions options;
  options.compaction_window = 0;  // never compact: the benchmark measures steady watching
  testing::ApiServerDouble api(options);
  for (int i = 0; i < s.services; ++i) api.put(service(i));
  for (int i = 0; i < s.slices; ++i) api.put(endpoint_slice(i, s.endpoints_per_slice));
  std::string path = api.kubeconfig_path() + "\n";
  if (write(to_parent, path.data(), path.size()) < 0) _exit(1);

  char command = 0;
  while (read(from_parent, &command, 1) == 1) {
    if (command == 'q') break;
    if (command != 'c') continue;
    // Changes at a steady rate, each stamped with when it was made.
    const auto period = std::chrono::nanoseconds(1'000'000'000 / s.rate);
    const int total = static_cast<int>(s.rate * s.seconds);
    auto next = std::chrono::steady_clock::now();
    for (int n = 0; n < total; ++n) {
      std::this_thread::sleep_until(next);
      json svc = service(n % s.services);
      svc["metadata"]["annotations"] = {{"bench.pier.dev/sent-ns", std::to_string(monotonic_ns())}};
      api.put(svc);
      next += period;
    }
    char done = 'd';
    if (write(to_parent, &done, 1) < 0) _exit(1);
  }
  _exit(0);
}

std::string read_line(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

double percentile(std::vector<int64_t>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return static_cast<double>(values[index]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--services") s.services = std::stoi(argv[i + 1]);
    else if (flag == "--slices") s.slices = std::stoi(argv[i + 1]);
    else if (flag == "--endpoints") s.endpoints_per_slice = std::stoi(argv[i + 1]);
    else if (flag == "--rate") s.rate = std::stoi(argv[i + 1]);
    else if (flag == "--seconds") s.seconds = std::stod(argv[i + 1]);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  int up[2], down[2];
  if (pipe(up) != 0 || pipe(down) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    close(up[0]);
    close(down[1]);
    run_double(s, up[1], down[0]);
  }
  close(up[1]);
  close(down[0]);
  std::cout << "seeding the double: " << s.services << " Services, " << s.slices << " EndpointSlices x "
            << s.endpoints_per_slice << " endpoints" << std::endl;
  std::string kubeconfig = read_line(up[0]);
  long rss_before = rss_kib("VmRSS:");

  kube::ConnectOptions connect;
  connect.kubeconfig = kubeconfig;
  auto connection = kube::connect(connect);
  if (!connection) {
    std::cerr << connection.error().describe() << "\n";
    return 1;
  }
  kube::Client client(connection->transport, connection->config.context_name);

  std::mutex latencies_mutex;
  std::vector<int64_t> latencies;
  latencies.reserve(static_cast<size_t>(s.rate * s.seconds) + 16);
  std::atomic<bool> churning{false};

  kube::Informer services(client, {"", "v1", "Service"}, "", {}, SystemClock::instance());
  kube::Informer slices(client, {"discovery.k8s.io", "v1", "EndpointSlice"}, "", {}, SystemClock::instance());
  services.add_handlers({.on_update = [&](const kube::ObjectPtr&, const kube::ObjectPtr& svc) {
    if (!churning.load(std::memory_order_relaxed)) return;
    auto sent = svc->value("/metadata/annotations/bench.pier.dev~1sent-ns"_json_pointer, std::string());
    if (sent.empty()) return;
    int64_t latency = monotonic_ns() - std::stoll(sent);
    std::lock_guard lock(latencies_mutex);
    latencies.push_back(latency);
  }});
  (void)slices.add_index("service", [](const json& slice) -> std::vector<std::string> {
    auto name = slice.value("/metadata/labels/kubernetes.io~1service-name"_json_pointer, std::string());
    return name.empty() ? std::vector<std::string>{} : std::vector<std::string>{name};
  });

  auto start = std::chrono::steady_clock::now();
  std::jthread services_thread([&](std::stop_token stop) { services.run(stop); });
  std::jthread slices_thread([&](std::stop_token stop) { slices.run(stop); });
  std::stop_source never;
  services.wait_for_sync(never.get_token());
  slices.wait_for_sync(never.get_token());
  double sync_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t endpoint_count = 0;
  for (const auto& slice : slices.store().list())
    if (auto e = slice->find("endpoints"); e != slice->end()) endpoint_count += e->size();
  long rss_synced = rss_kib("VmRSS:");

  churning = true;
  char go = 'c';
  if (write(down[1], &go, 1) < 0) return 1;
  char done = 0;
  if (read(up[0], &done, 1) != 1) return 1;  // the child has made every change
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the last events arrive
  churning = false;
  long rss_peak = rss_kib("VmHWM:");

  char quit = 'q';
  if (write(down[1], &quit, 1) < 0) return 1;
  services_thread.request_stop();
  slices_thread.request_stop();
  services_thread.join();
  slices_thread.join();
  int status = 0;
  waitpid(child, &status, 0);

  std::vector<int64_t> observed;
  {
    std::lock_guard lock(latencies_mutex);
    observed = latencies;
  }
  const size_t sent = static_cast<size_t>(s.rate * s.seconds);
  std::printf("full sync      : %.2f s for %zu Services and %zu EndpointSlices (%zu endpoints)  (target < 2 s)\n",
              sync_seconds, services.store().size(), slices.store().size(), endpoint_count);
  std::printf("client RSS     : %.0f MB after sync, %.0f MB peak (%.0f MB before connecting)  (target < 200 MB)\n",
              static_cast<double>(rss_synced) / 1024, static_cast<double>(rss_peak) / 1024,
              static_cast<double>(rss_before) / 1024);
  std::printf("watch latency  : p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu of %zu events at %d/s  (target p99 < 5 ms)\n",
              percentile(observed, 0.50), percentile(observed, 0.99), percentile(observed, 1.0), observed.size(), sent,
              s.rate);
  return observed.size() == sent ? 0 : 1;
}
