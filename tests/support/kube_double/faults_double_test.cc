#include <future>

#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

TEST(DoubleFaults, TooManyRequestsWithRetryAfter) {
  ApiServerDouble api;
  HttpsClient client(api);
  api.fail_next(2, 429, 1);
  for (int i = 0; i < 2; ++i) {
    auto refused = client.get("/api/v1/namespaces");
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.headers["retry-after"], "1");
    EXPECT_EQ(refused.json()["reason"], "TooManyRequests");
    EXPECT_EQ(refused.json()["details"]["retryAfterSeconds"], 1);
  }
  EXPECT_EQ(client.get("/api/v1/namespaces").status, 200);
}

TEST(DoubleFaults, ServerErrorBursts) {
  ApiServerDouble api;
  HttpsClient client(api);
  api.fail_next(3, 500);
  for (int i = 0; i < 3; ++i) {
    auto failed = client.get("/version");
    EXPECT_EQ(failed.status, 500);
    EXPECT_EQ(failed.json()["reason"], "InternalError");
    EXPECT_EQ(failed.headers.count("retry-after"), 0u);
  }
  api.fail_next(1, 503, 2);
  EXPECT_EQ(client.get("/version").status, 503);
  EXPECT_EQ(client.get("/version").status, 200);
}

TEST(DoubleFaults, Latency) {
  ApiServerDouble api;
  HttpsClient client(api);
  client.get("/version");  // connect first
  api.set_latency(std::chrono::milliseconds(200));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.get("/version").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(190));
  api.set_latency(std::chrono::milliseconds(0));
}

TEST(DoubleFaults, RequestLogShowsReWatchResourceVersions) {
  ApiServerDouble api;
  HttpsClient client(api);
  api.clear_request_log();
  client.watch("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1&resourceVersion=4");
  client.get("/api/v1/namespaces/default/pods?limit=500");
  auto log = api.request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "GET /api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1&resourceVersion=4");
  EXPECT_EQ(log[1], "GET /api/v1/namespaces/default/pods?limit=500");
  EXPECT_EQ(api.request_count(), 2u);
}

TEST(DoubleFaults, CompactionBreaksOldWatches) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  std::string rv = std::to_string(api.resource_version());
  api.put(config_map("default", "a", {{"v", "2"}}));
  api.compact();
  HttpsClient client(api);
  auto result = client.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0]["object"]["code"], 410);
  // From the current revision all is well.
  auto fresh = client.watch("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=" +
                            std::to_string(api.resource_version()));
  EXPECT_TRUE(fresh.events.empty());
  EXPECT_TRUE(fresh.ended_cleanly);
}

TEST(DoubleFaults, DestructionWithOpenWatchesIsClean) {
  auto api = std::make_unique<ApiServerDouble>();
  auto watch = std::async(std::launch::async, [&api] {
    HttpsClient client(*api);
    return client.watch("/api/v1/namespaces/default/configmaps?watch=1", {}, std::chrono::seconds(5));
  });
  ASSERT_TRUE(wait_until([&] { return api->open_watch_count() == 1; }));
  api.reset();
  WatchResult result = watch.get();
  EXPECT_FALSE(result.ended_cleanly);
}

}  // namespace
}  // namespace pier::testing
