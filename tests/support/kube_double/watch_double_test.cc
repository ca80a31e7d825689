#include <future>

#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"
#include "watch_hub.h"

namespace pier::testing {
namespace {

const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";

// Starts a watch on its own client and thread; returns once the double has it open.
std::future<WatchResult> start_watch(ApiServerDouble& api, const std::string& path,
                                     std::function<bool(const std::vector<nlohmann::json>&)> enough,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  size_t open_before = api.open_watch_count();
  auto future = std::async(std::launch::async, [&api, path, enough, timeout] {
    HttpsClient client(api);
    return client.watch(path, enough, timeout);
  });
  EXPECT_TRUE(wait_until([&] { return api.open_watch_count() > open_before; }));
  return future;
}

std::vector<std::string> types_of(const std::vector<nlohmann::json>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.value("type", "?"));
  return types;
}

size_t count_type(const std::vector<nlohmann::json>& events, const std::string& type) {
  return std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.value("type", "") == type; });
}

TEST(DoubleWatch, EventsAfterAResourceVersion) {
  ApiServerDouble api;
  api.put(config_map("default", "before"));
  std::string rv = std::to_string(api.resource_version());
  auto watch = start_watch(api, kConfigMaps + "?watch=1&resourceVersion=" + rv,
                           [](const auto& events) { return events.size() == 3; });
  api.put(config_map("default", "a"));
  api.put(config_map("default", "a", {{"x", "y"}}));
  api.remove("v1", "ConfigMap", "default", "a");
  WatchResult result = watch.get();
  EXPECT_EQ(result.status, 200);
  ASSERT_EQ(types_of(result.events), (std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"}));
  int64_t base = std::stoll(rv);
  for (int i = 0; i < 3; ++i) {
    const auto& object = result.events[i]["object"];
    EXPECT_EQ(object["kind"], "ConfigMap");
    EXPECT_EQ(object["apiVersion"], "v1");
    EXPECT_EQ(object["metadata"]["resourceVersion"], std::to_string(base + 1 + i));
  }
}

TEST(DoubleWatch, WithoutResourceVersionStartsWithTheCurrentState) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  api.put(config_map("default", "b"));
  HttpsClient client(api);
  for (const char* rv : {"", "&resourceVersion=0"}) {
    auto result = client.watch(kConfigMaps + "?watch=true" + std::string(rv),
                               [](const auto& events) { return events.size() == 2; });
    EXPECT_EQ(types_of(result.events), (std::vector<std::string>{"ADDED", "ADDED"})) << rv;
  }
}

TEST(DoubleWatch, ReplaysHistoryFromAnOlderResourceVersion) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  std::string rv = std::to_string(api.resource_version());
  api.put(config_map("default", "b"));
  api.remove("v1", "ConfigMap", "default", "a");
  HttpsClient client(api);
  auto result = client.watch(kConfigMaps + "?watch=1&resourceVersion=" + rv,
                             [](const auto& events) { return events.size() == 2; });
  EXPECT_EQ(types_of(result.events), (std::vector<std::string>{"ADDED", "DELETED"}));
  EXPECT_EQ(result.events[0]["object"]["metadata"]["name"], "b");
}

TEST(DoubleWatch, CompactedResourceVersionGetsAnErrorEvent) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  std::string rv = std::to_string(api.resource_version());
  api.put(config_map("default", "b"));
  api.compact();
  HttpsClient client(api);
  auto result = client.watch(kConfigMaps + "?watch=1&resourceVersion=" + rv);
  EXPECT_EQ(result.status, 200);  // the 410 travels in the stream
  EXPECT_TRUE(result.ended_cleanly);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0]["type"], "ERROR");
  const auto& status = result.events[0]["object"];
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["code"], 410);
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_TRUE(status["message"].get<std::string>().starts_with("too old resource version: " + rv));
}

TEST(DoubleWatch, BookmarksCarryOnlyTheResourceVersion) {
  DoubleOptions options;
  options.bookmark_interval = std::chrono::milliseconds(50);
  ApiServerDouble api(options);
  std::string rv = std::to_string(api.resource_version());
  auto watch = start_watch(api, kConfigMaps + "?watch=1&allowWatchBookmarks=true&resourceVersion=" + rv,
                           [](const auto& events) { return count_type(events, "BOOKMARK") >= 2; });
  api.put(config_map("default", "a"));
  WatchResult result = watch.get();
  ASSERT_GE(count_type(result.events, "BOOKMARK"), 2u);
  for (const auto& event : result.events) {
    if (event["type"] != "BOOKMARK") continue;
    const auto& object = event["object"];
    EXPECT_EQ(object["kind"], "ConfigMap");
    EXPECT_EQ(object["metadata"].size(), 1u);
    EXPECT_GE(std::stoll(object["metadata"]["resourceVersion"].get<std::string>()), std::stoll(rv));
  }
  // Without allowWatchBookmarks there are none.
  HttpsClient client(api);
  auto quiet = client.watch(kConfigMaps + "?watch=1&timeoutSeconds=1&resourceVersion=" + rv);
  EXPECT_EQ(count_type(quiet.events, "BOOKMARK"), 0u);
}

TEST(DoubleWatch, TimeoutEndsTheStreamCleanly) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto started = std::chrono::steady_clock::now();
  auto result = client.watch(kConfigMaps + "?watch=1&timeoutSeconds=1&resourceVersion=" +
                             std::to_string(api.resource_version()));
  EXPECT_TRUE(result.ended_cleanly) << result.error;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  EXPECT_EQ(api.open_watch_count(), 0u);
  // The connection is kept alive after the watch.
  auto next = client.get("/version");
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.new_connections, 0);
}

TEST(DoubleWatch, SelectorTransitionsBecomeAddedAndDeleted) {
  ApiServerDouble api;
  api.put(config_map("default", "a", {{"app", "web"}}));
  std::string rv = std::to_string(api.resource_version());
  auto watch = start_watch(api, kConfigMaps + "?watch=1&labelSelector=app%3Dweb&resourceVersion=" + rv,
                           [](const auto& events) { return events.size() == 3; });
  api.put(config_map("default", "a", {{"app", "db"}}));   // stops matching
  api.put(config_map("default", "other", {{"app", "db"}}));  // never matches
  api.put(config_map("default", "a", {{"app", "web"}}));  // matches again
  api.put(config_map("default", "a", {{"app", "web"}}, "changed"));
  WatchResult result = watch.get();
  ASSERT_EQ(types_of(result.events), (std::vector<std::string>{"DELETED", "ADDED", "MODIFIED"}));
  // DELETED carries the last matching content with the revision of the change.
  EXPECT_EQ(result.events[0]["object"]["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(result.events[0]["object"]["metadata"]["resourceVersion"], std::to_string(std::stoll(rv) + 1));
}

TEST(DoubleWatch, WatchOnAnObjectUrlFollowsThatObject) {
  ApiServerDouble api;
  std::string rv = std::to_string(api.resource_version());
  auto watch = start_watch(api, kConfigMaps + "/b?watch=1&resourceVersion=" + rv,
                           [](const auto& events) { return events.size() == 1; });
  api.put(config_map("default", "a"));
  api.put(config_map("default", "b"));
  WatchResult result = watch.get();
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0]["object"]["metadata"]["name"], "b");
}

TEST(DoubleWatch, SendInitialEventsEndsWithAnnotatedBookmark) {
  ApiServerDouble api;
  api.put(config_map("default", "a"));
  HttpsClient client(api);
  auto result = client.watch(
      kConfigMaps + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan",
      [](const auto& events) { return events.size() == 2; });
  ASSERT_EQ(types_of(result.events), (std::vector<std::string>{"ADDED", "BOOKMARK"}));
  EXPECT_EQ(result.events[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST(DoubleWatch, CutMidEventLeavesHalfALine) {
  ApiServerDouble api;
  std::string rv = std::to_string(api.resource_version());
  auto watch = start_watch(api, kConfigMaps + "?watch=1&resourceVersion=" + rv, {});
  api.put(config_map("default", "a"));
  api.cut_watches(/*mid_event=*/true);
  WatchResult result = watch.get();
  EXPECT_FALSE(result.ended_cleanly);
  ASSERT_FALSE(result.raw.empty());
  EXPECT_NE(result.raw.back(), '\n');  // the last line stops half way
  EXPECT_TRUE(wait_until([&] { return api.open_watch_count() == 0; }));
}

TEST(DoubleWatch, CutWithoutPartialEvent) {
  ApiServerDouble api;
  auto watch = start_watch(api, kConfigMaps + "?watch=1&resourceVersion=" + std::to_string(api.resource_version()), {});
  api.cut_watches(/*mid_event=*/false);
  WatchResult result = watch.get();
  EXPECT_FALSE(result.ended_cleanly);
  EXPECT_TRUE(result.raw.empty());
}

TEST(DoubleWatch, FutureResourceVersionIsTooLarge) {
  ApiServerDouble api;
  HttpsClient client(api);
  auto result = client.watch(kConfigMaps + "?watch=1&resourceVersion=99999");
  EXPECT_EQ(result.status, 504);
}

TEST(WatchSubscription, SlowWatcherIsEndedWhenItsQueueOverflows) {
  kube_double::WatchFilter filter;
  kube_double::WatchSubscription watch(filter, /*queue_limit=*/3);
  auto line = std::make_shared<const std::string>("{}\n");
  watch.push(line, /*counts_towards_limit=*/false);  // initial events do not count
  for (int i = 0; i < 3; ++i) watch.push(line);
  EXPECT_EQ(watch.state(), kube_double::WatchSubscription::State::kOpen);
  watch.push(line);
  EXPECT_EQ(watch.state(), kube_double::WatchSubscription::State::kEnded);
  std::string drained;
  watch.take(drained);
  EXPECT_TRUE(drained.empty());  // what was queued is dropped: the client re-watches
}

}  // namespace
}  // namespace pier::testing
