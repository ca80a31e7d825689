// Fills a console database for the listing benchmark: N releases with M
// revisions each (each deployed in turn, so that the older ones are
// superseded, as a real history is), spread over clusters, namespaces and
// apps, through the Store API the console uses.
//
//   console_seed --database /tmp/bench/pier.db --releases 10000 --revisions 10
//   console_seed --database postgres://pier@127.0.0.1:5432/bench ...
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "store/store.h"

int main(int argc, char** argv) {
  CLI::App app("Fill a console database with releases and revisions");
  std::string database;
  int releases = 10'000;
  int revisions = 10;
  int threads = 1;
  app.add_option("--database", database, "SQLite path or postgres:// URL")->required();
  app.add_option("--releases", releases);
  app.add_option("--revisions", revisions);
  app.add_option("--threads", threads, "writers (PostgreSQL takes several)");
  CLI11_PARSE(app, argc, argv);

  auto store = pier::store::open_store(database, {.max_connections = std::max(threads, 2)});
  if (!store) {
    std::fprintf(stderr, "console_seed: %s\n", store.error().describe().c_str());
    return 1;
  }
  const char* clusters[] = {"prod-bj", "prod-sh", "staging-bj", "local"};
  const char* apps[] = {"jetty", "redis", "nginx-ingress"};
  nlohmann::json values = {{"jetty", {{"image", "hello-web"}, {"version", "2.3.1"}, {"replicas", 2}}}};
  std::string manifests(4096, '#');  // the size of a sealed jetty render, roughly
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  auto started = std::chrono::steady_clock::now();

  auto worker = [&] {
    for (int i = next++; i < releases && !failed; i = next++) {
      pier::store::ReleaseKey key{clusters[i % 4], "team-" + std::to_string(i % 50), "app-" + std::to_string(i)};
      for (int r = 1; r <= revisions; ++r) {
        auto rev = (*store)->create_revision({.key = key, .app = apps[i % 3], .app_version = "1.0.0", .values = values,
                                              .manifests = manifests, .user = "seed", .message = "revision " + std::to_string(r)});
        if (rev) {
          auto status = (*store)->update_revision_status(key, rev->revision, pier::store::RevisionStatus::kDeployed, "");
          if (status) continue;
          std::fprintf(stderr, "console_seed: %s\n", status.error().describe().c_str());
        } else {
          std::fprintf(stderr, "console_seed: %s\n", rev.error().describe().c_str());
        }
        failed = true;
        return;
      }
      if (i % 1000 == 999) std::fprintf(stderr, "console_seed: %d releases\n", i + 1);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (failed) return 1;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "console_seed: %d releases, %d revisions in %.1f s\n", releases, releases * revisions, seconds);
  return 0;
}
