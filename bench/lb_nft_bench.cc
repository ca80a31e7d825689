// The nftables dataplane at scale: 20,000 virtual services with 200,000
// real servers (10 each) written as one table, in a network namespace of
// its own (unshare), so the host's ruleset is never touched. Needs root.
//
//   build-nft/bench/lb_nft_bench [services] [changes]    (defaults 20000 200)
//
// Figures: render (pure), the full atomic apply (target < 5 s, issue 6), one
// incremental change (a real server removed) applied, p50/p99 over
// `changes` changes, read_actual (list + parse) and peak RSS, with kube-proxy
// nftables mode's published full sync for comparison.
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "lb/nft_dataplane.h"
#include "lb/nft_ruleset.h"

namespace {

using namespace pier::lb;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

IpAddress v4(int a, int b, int c, int d) {
  IpAddress ip;
  ip.bytes[0] = static_cast<uint8_t>(a), ip.bytes[1] = static_cast<uint8_t>(b);
  ip.bytes[2] = static_cast<uint8_t>(c), ip.bytes[3] = static_cast<uint8_t>(d);
  return ip;
}

nft::Services synthetic(int count, int per_service) {
  nft::Services services;
  for (int i = 0; i < count; ++i) {
    VirtualService vs;
    vs.key = {v4(10, 100 + i / 65536, (i >> 8) & 255, i & 255), 80, Protocol::kTcp};
    for (int e = 0; e < per_service; ++e) vs.real_servers.push_back({v4(10, 64 + e, (i >> 8) & 255, i & 255), 8080, 1});
    std::sort(vs.real_servers.begin(), vs.real_servers.end(), endpoint_less);
    services.emplace(vs.key, std::move(vs));
  }
  return services;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int services_n = argc > 1 ? std::atoi(argv[1]) : 20000;
  int changes = argc > 2 ? std::atoi(argv[2]) : 200;
  constexpr int kPerService = 10;
  if (::unshare(CLONE_NEWNET) != 0) {
    std::perror("unshare(CLONE_NEWNET) (needs root)");
    return 1;
  }
  nft::Services services = synthetic(services_n, kPerService);

  auto t0 = Clock::now();
  std::string script = nft::render_table(services);
  double render_ms = ms_since(t0);
  // PIER_NFT_DUMP=FILE: the script, for `nft -c -f FILE` or profiling by hand.
  if (const char* dump = std::getenv("PIER_NFT_DUMP")) {
    std::FILE* out = std::fopen(dump, "w");
    if (out) {
      std::fwrite(script.data(), 1, script.size(), out);
      std::fclose(out);
    }
    return 0;
  }

  auto dp_or = NftDataplane::create();
  if (!dp_or) return 1;
  NftDataplane& dp = **dp_or;
  // The dataplane's whole-table write into a namespace without the table:
  // the empty table by script, then every service in one libnftnl batch.
  t0 = Clock::now();
  auto bulk = dp.replace_all(services);
  double full_ms = ms_since(t0);
  if (!bulk) {
    std::fprintf(stderr, "full apply failed: %s\n", bulk.error().message.c_str());
    return 1;
  }
  // The same table as one libnftables script, for comparison.
  if (auto gone = dp.run("delete table inet pier_lb"); !gone) return 1;
  t0 = Clock::now();
  auto full = dp.run(script);
  double script_ms = ms_since(t0);
  if (!full) {
    std::fprintf(stderr, "full apply by script failed: %s\n", full.error().message.c_str());
    return 1;
  }

  t0 = Clock::now();
  auto listing = dp.run("list table inet pier_lb", true);
  double list_ms = ms_since(t0);
  if (!listing) return 1;
  t0 = Clock::now();
  auto actual = nft::parse_actual(*listing);
  double parse_ms = ms_since(t0);
  size_t read_servers = 0;
  if (actual)
    for (const auto& [k, s] : actual->services) read_servers += s.real_servers.size();
  // read_actual loads the dataplane's mirror, so the changes below are incremental.
  t0 = Clock::now();
  auto read = dp.read_actual();
  double read_actual_ms = ms_since(t0);
  if (!read) return 1;

  std::mt19937 rng(42);
  std::vector<double> latencies;
  size_t failures = 0;
  for (int i = 0; i < changes; ++i) {
    auto it = services.begin();
    std::advance(it, static_cast<long>(rng() % services.size()));
    if (it->second.real_servers.size() < 2) continue;
    Operation op{OperationKind::kRemoveRealServer, it->first};
    op.server = it->second.real_servers.back();
    it->second.real_servers.pop_back();
    Operation ops[] = {op};
    t0 = Clock::now();
    ApplyReport r = dp.apply(ops);
    latencies.push_back(ms_since(t0));
    failures += r.failed.size();
  }

  double kube_s = 16 * 60, kube_services = 44000;
  std::printf("nftables dataplane, %d virtual services x %d real servers (%zu read back), own network namespace\n",
              services_n, kPerService, read_servers);
  std::printf("%-44s %12s %16s\n", "step", "time", "per service");
  std::printf("%-44s %9.0f ms %13.1f us\n", "render table (pure)", render_ms, 1000 * render_ms / services_n);
  std::printf("%-44s %9.0f ms %13.1f us   target < 5000 ms\n", "full apply (empty table, then one batch)", full_ms,
              1000 * full_ms / services_n);
  std::printf("%-44s %9.0f ms %13.1f us   (the same table as one libnftables script)\n", "full apply by script",
              script_ms, 1000 * script_ms / services_n);
  std::printf("%-44s %9.0f ms %13.1f us\n", "list table (JSON)", list_ms, 1000 * list_ms / services_n);
  std::printf("%-44s %9.0f ms %13.1f us\n", "parse into Actual", parse_ms, 1000 * parse_ms / services_n);
  std::printf("%-44s %9.0f ms %13.1f us\n", "read_actual (list + parse + mirror)", read_actual_ms,
              1000 * read_actual_ms / services_n);
  std::printf("%-44s %9.2f ms   (p99 %.2f ms, %zu changes, %zu failed)\n", "one real server removed, apply p50",
              percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.size(), failures);
  std::printf("%-44s %9.1f MB\n", "peak RSS", peak_rss_mb());
  std::printf("\nkube-proxy nftables mode, published (kubernetes#139513): %.0f s full sync at %.0f services = %.1f ms per "
              "service.\nThis run: %.3f ms per service, %.0fx less per service. Different scales and machines "
              "(their 44k services vs our %d): compare per-service figures only as an order of magnitude.\n",
              kube_s, kube_services, 1000 * kube_s / kube_services, full_ms / services_n,
              (1000 * kube_s / kube_services) / (full_ms / services_n), services_n);
  return failures == 0 ? 0 : 1;
}
