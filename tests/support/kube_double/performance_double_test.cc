// The double must not be what a client benchmark measures: 10,000 Services
// and 1,000 EndpointSlices of 100 endpoints each, listed in pages of 500,
// then a stream of watch events. Prints the figures; asserts loose bounds
// only in optimised builds.
#include <chrono>
#include <cstdio>
#include <future>

#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"
#include "object_strategy.h"
#include "rest_operations.h"

namespace pier::testing {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

nlohmann::json service(int i) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", "svc-" + std::to_string(i)}, {"namespace", "bench"},
                        {"labels", {{"app", "app-" + std::to_string(i % 100)}}}}},
          {"spec", {{"selector", {{"app", "app-" + std::to_string(i % 100)}}},
                    {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}}}}}}};
}

nlohmann::json endpoint_slice(int i) {
  nlohmann::json endpoints = nlohmann::json::array();
  for (int e = 0; e < 100; ++e) {
    endpoints.push_back({{"addresses", {"10.1." + std::to_string(i % 250) + "." + std::to_string(e)}},
                         {"conditions", {{"ready", true}, {"serving", true}, {"terminating", false}}},
                         {"nodeName", "node-" + std::to_string(e % 20)},
                         {"targetRef", {{"kind", "Pod"}, {"name", "pod-" + std::to_string(i) + "-" + std::to_string(e)},
                                        {"namespace", "bench"}}}});
  }
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"name", "svc-" + std::to_string(i) + "-abcde"}, {"namespace", "bench"},
                        {"labels", {{"kubernetes.io/service-name", "svc-" + std::to_string(i)}}}}},
          {"addressType", "IPv4"},
          {"endpoints", endpoints},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

struct PageFigures {
  int pages = 0;
  size_t items = 0;
  double total_ms = 0;
  double worst_ms = 0;
};

PageFigures list_all(HttpsClient& client, const std::string& path) {
  PageFigures figures;
  std::string token;
  do {
    auto start = Clock::now();
    auto page = client.get(path + "?limit=500" + (token.empty() ? "" : "&continue=" + token));
    double ms = ms_since(start);
    EXPECT_EQ(page.status, 200);
    auto body = page.json();
    figures.items += body["items"].size();
    figures.total_ms += ms;
    figures.worst_ms = std::max(figures.worst_ms, ms);
    ++figures.pages;
    token = body["metadata"].value("continue", "");
  } while (!token.empty());
  return figures;
}

TEST(DoublePerformance, LargeListsAndWatchStream) {
  ApiServerDouble api;
  auto start = Clock::now();
  for (int i = 0; i < 10'000; ++i) api.put(service(i));
  double seed_services_ms = ms_since(start);
  start = Clock::now();
  for (int i = 0; i < 1'000; ++i) api.put(endpoint_slice(i));
  double seed_slices_ms = ms_since(start);

  HttpsClient client(api);
  client.get("/version");
  PageFigures services = list_all(client, "/api/v1/namespaces/bench/services");
  PageFigures slices = list_all(client, "/apis/discovery.k8s.io/v1/namespaces/bench/endpointslices");
  EXPECT_EQ(services.items, 10'000u);
  EXPECT_EQ(slices.items, 1'000u);

  // 1,000 events through one watch.
  std::string rv = std::to_string(api.resource_version());
  auto watch = std::async(std::launch::async, [&api, rv] {
    HttpsClient watcher(api);
    return watcher.watch("/api/v1/namespaces/bench/services?watch=1&resourceVersion=" + rv,
                         [](const auto& events) { return events.size() == 1'000; }, std::chrono::seconds(60));
  });
  ASSERT_TRUE(wait_until([&] { return api.open_watch_count() == 1; }));
  start = Clock::now();
  for (int i = 0; i < 1'000; ++i) {
    nlohmann::json changed = service(i);
    changed["metadata"]["labels"]["rev"] = "2";
    api.put(changed);
  }
  double writes_ms = ms_since(start);
  WatchResult result = watch.get();
  double stream_ms = ms_since(start);
  EXPECT_EQ(result.events.size(), 1'000u);

  std::printf(
      "seed: 10,000 services %.0f ms, 1,000 endpoint slices (100 endpoints each) %.0f ms\n"
      "services: %d pages of 500, %.2f ms per page on average, worst %.2f ms (HTTPS round trip, body received)\n"
      "endpoint slices: %d pages of 500, %.2f ms per page on average, worst %.2f ms\n"
      "watch: 1,000 writes in %.0f ms, all 1,000 events received after %.0f ms\n",
      seed_services_ms, seed_slices_ms, services.pages, services.total_ms / services.pages, services.worst_ms,
      slices.pages, slices.total_ms / slices.pages, slices.worst_ms, writes_ms, stream_ms);
#ifdef NDEBUG
  EXPECT_LT(services.total_ms / services.pages, 25.0);
  EXPECT_LT(stream_ms, 5'000.0);
#endif
}

// The server's share of a list page, without TLS or the client: the store
// walk and the concatenation of cached item texts.
TEST(DoublePerformance, ServerSideListPage) {
  using namespace kube_double;
  ResourceCatalog catalog;
  ObjectStore store(10'000);
  WatchHub hub(10'000);
  store.set_listener(&hub);
  RestOperations rest(store, hub, catalog, RestSettings{});
  TypePtr services = catalog.find_kind("v1", "Service");
  TypePtr slices = catalog.find_kind("discovery.k8s.io/v1", "EndpointSlice");
  {
    StoreLock lock = store.lock();
    for (int i = 0; i < 10'000; ++i) {
      nlohmann::json object = service(i);
      (void)prepare_for_create(object, *services, "2026-01-01T00:00:00Z");
      rest.commit(lock, *services, std::move(object));
    }
    for (int i = 0; i < 1'000; ++i) {
      nlohmann::json object = endpoint_slice(i);
      (void)prepare_for_create(object, *slices, "2026-01-01T00:00:00Z");
      rest.commit(lock, *slices, std::move(object));
    }
  }
  auto time_pages = [&](const TypePtr& type, size_t& bytes) {
    ResourceRequest request;
    request.type = type;
    request.namespace_name = "bench";
    request.query = Query::parse("limit=500");
    int pages = 0;
    auto start = Clock::now();
    while (true) {
      auto reply = rest.list(request);
      EXPECT_TRUE(reply);
      bytes += reply->body.size();
      ++pages;
      size_t at = reply->body.find("\"continue\":\"");
      if (at == std::string::npos) break;
      at += 12;
      request.query = Query::parse("limit=500&continue=" + reply->body.substr(at, reply->body.find('"', at) - at));
    }
    return std::make_pair(pages, ms_since(start) / pages);
  };
  size_t service_bytes = 0, slice_bytes = 0, warm_up = 0;
  time_pages(services, warm_up);  // the first walk pays the cache misses of seeding
  auto [service_pages, service_ms] = time_pages(services, service_bytes);
  auto [slice_pages, slice_ms] = time_pages(slices, slice_bytes);
  EXPECT_EQ(service_pages, 20);
  EXPECT_EQ(slice_pages, 2);
  std::printf("server side: a 500-Service page (%zu KB) in %.3f ms; a 500-EndpointSlice page (%zu KB) in %.3f ms\n",
              service_bytes / service_pages / 1024, service_ms, slice_bytes / slice_pages / 1024, slice_ms);
#ifdef NDEBUG
  EXPECT_LT(service_ms, 1.0);
#endif
}

}  // namespace
}  // namespace pier::testing
