#include "kube/informer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "discovery_fixture.h"
#include "fake_clock.h"
#include "fake_transport.h"

namespace pier::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;
using testing::FakeTransport;
using testing::status_body;

const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const std::string kCollection = "/apis/apps/v1/namespaces/web/deployments";

nlohmann::json deployment(std::string name, std::string rv) {
  // As list items come from a real server: without apiVersion and kind.
  return {{"metadata", {{"name", name}, {"namespace", "web"}, {"resourceVersion", rv}}}, {"spec", {{"replicas", 1}}}};
}

nlohmann::json list_of(std::vector<nlohmann::json> items, std::string rv, std::string next = "") {
  nlohmann::json metadata = {{"resourceVersion", rv}};
  if (!next.empty()) metadata["continue"] = next;
  return {{"kind", "DeploymentList"}, {"apiVersion", "apps/v1"}, {"metadata", metadata}, {"items", items}};
}

std::string event(std::string type, const nlohmann::json& object) {
  nlohmann::json typed = object;
  typed["apiVersion"] = "apps/v1";
  typed["kind"] = "Deployment";
  return nlohmann::json{{"type", type}, {"object", typed}}.dump() + "\n";
}

std::string bookmark(std::string rv) {
  return nlohmann::json{{"type", "BOOKMARK"},
                        {"object", {{"kind", "Deployment"}, {"apiVersion", "apps/v1"},
                                    {"metadata", {{"resourceVersion", rv}}}}}}
             .dump() +
         "\n";
}

std::string query_value(const std::string& path, const std::string& name) {
  auto at = path.find(name + "=");
  if (at == std::string::npos) return "<absent>";
  at += name.size() + 1;
  return path.substr(at, path.find('&', at) - at);
}

// What the handlers saw, as "add web/a@1", "update web/a@1->2", "delete web/a@3".
class Recorder {
 public:
  EventHandlers handlers() {
    return {.on_add = [this](const ObjectPtr& o) { log("add " + ref(*o)); },
            .on_update = [this](const ObjectPtr& old_o,
                                const ObjectPtr& new_o) { log("update " + ref(*old_o) + "->" + version(*new_o)); },
            .on_delete = [this](const ObjectPtr& o) { log("delete " + ref(*o)); }};
  }
  // Waits (real time, bounded) until n calls were seen; returns them all.
  std::vector<std::string> wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, seconds(10), [&] { return entries_.size() >= n; });
    return entries_;
  }
  std::vector<std::string> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  static std::string version(const nlohmann::json& o) { return o["metadata"]["resourceVersion"]; }
  static std::string ref(const nlohmann::json& o) {
    return ObjectStore::key_of(o) + "@" + version(o);
  }
  void log(std::string entry) {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> entries_;
};

template <class Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 2000; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return predicate();
}

class InformerTest : public ::testing::Test {
 protected:
  InformerTest() { testing::serve_discovery(*fake_); }

  void start(InformerOptions options = {.initial_backoff = milliseconds(0)}) {
    informer_ = std::make_unique<Informer>(client_, kDeployment, "web", InformerSelectors{}, clock_, options);
    informer_->add_handlers(recorder_.handlers());
    thread_ = std::jthread([this](std::stop_token stop) { informer_->run(stop); });
  }
  ~InformerTest() override {
    thread_ = {};  // stop and join before the informer goes
  }

  std::shared_ptr<FakeTransport> fake_ = std::make_shared<FakeTransport>();
  Client client_{fake_, "test"};
  FakeClock clock_;
  Recorder recorder_;
  std::unique_ptr<Informer> informer_;
  std::jthread thread_;
};

TEST_F(InformerTest, ListsThenWatchesFromTheListsVersion) {
  fake_->on("GET", kCollection + "?limit=2", 200, list_of({deployment("a", "1"), deployment("b", "2")}, "10", "t1"));
  fake_->on("GET", kCollection + "?limit=2&continue=t1", 200, list_of({deployment("c", "3"), deployment("d", "4")}, "10", "t2"));
  fake_->on("GET", kCollection + "?limit=2&continue=t2", 200, list_of({deployment("e", "5")}, "10"));
  auto stream = fake_->add_watch_stream();
  stream->send(event("ADDED", deployment("f", "11")) + event("MODIFIED", deployment("a", "12")));
  stream->send(event("DELETED", deployment("b", "13")));
  start({.initial_backoff = milliseconds(0), .page_size = 2});

  auto seen = recorder_.wait_for(8);
  EXPECT_THAT(seen, ElementsAre("add web/a@1", "add web/b@2", "add web/c@3", "add web/d@4", "add web/e@5",
                                "add web/f@11", "update web/a@1->12", "delete web/b@13"));
  EXPECT_TRUE(informer_->has_synced());
  EXPECT_EQ(informer_->store().keys(), (std::vector<std::string>{"web/a", "web/c", "web/d", "web/e", "web/f"}));
  auto a = informer_->store().get("web/a");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)["kind"], "Deployment");  // list items get their type
  EXPECT_TRUE(eventually([&] { return informer_->store().resource_version() == "13"; }));

  auto watches = fake_->watch_requests();
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(query_value(watches[0].path, "watch"), "1");
  EXPECT_EQ(query_value(watches[0].path, "resourceVersion"), "10");
  EXPECT_EQ(query_value(watches[0].path, "allowWatchBookmarks"), "true");
  const int timeout = std::stoi(query_value(watches[0].path, "timeoutSeconds"));
  EXPECT_GE(timeout, 300);
  EXPECT_LT(timeout, 600);
  EXPECT_EQ(informer_->metrics().lists, 1u);
  EXPECT_EQ(informer_->metrics().events, 3u);
}

TEST_F(InformerTest, ReconnectResumesFromTheLastBookmarkWithoutDuplicatesOrGaps) {
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1")}, "10"));
  const std::string cut_event = event("MODIFIED", deployment("b", "16"));
  auto first = fake_->add_watch_stream();
  first->send(event("ADDED", deployment("b", "11")));
  first->send(bookmark("15"));
  first->send(cut_event.substr(0, cut_event.size() / 2));  // the connection drops inside this event
  first->cut();
  auto second = fake_->add_watch_stream();
  second->send(cut_event);  // the server sends it again: it comes after 15
  second->send(event("ADDED", deployment("c", "17")));
  start();

  auto seen = recorder_.wait_for(4);
  EXPECT_THAT(seen, ElementsAre("add web/a@1", "add web/b@11", "update web/b@11->16", "add web/c@17"));
  ASSERT_TRUE(fake_->wait_for_watches(2));
  auto watches = fake_->watch_requests();
  EXPECT_EQ(query_value(watches[0].path, "resourceVersion"), "10");
  EXPECT_EQ(query_value(watches[1].path, "resourceVersion"), "15");  // the bookmark, not the list
  auto metrics = informer_->metrics();
  EXPECT_EQ(metrics.lists, 1u);  // a cut is not a reason to list again
  EXPECT_EQ(metrics.relists, 0u);
  EXPECT_EQ(metrics.watches, 2u);
  EXPECT_EQ(metrics.watch_failures, 1u);
  EXPECT_EQ(metrics.bookmarks, 1u);
  EXPECT_EQ(recorder_.entries().size(), 4u);
}

TEST_F(InformerTest, ReconnectWithoutBookmarkResumesFromTheLastEvent) {
  fake_->on("GET", kCollection, 200, list_of({}, "10"));
  auto first = fake_->add_watch_stream();
  first->send(event("ADDED", deployment("a", "11")) + event("ADDED", deployment("b", "12")));
  first->end();  // the server's timeout: a clean end
  auto second = fake_->add_watch_stream();
  second->send(event("ADDED", deployment("b", "12")));  // a replayed event must not reach the handlers twice
  second->send(event("DELETED", deployment("a", "13")));
  start();
  auto seen = recorder_.wait_for(3);
  EXPECT_THAT(seen, ElementsAre("add web/a@11", "add web/b@12", "delete web/a@13"));
  auto watches = fake_->watch_requests();
  ASSERT_GE(watches.size(), 2u);
  EXPECT_EQ(query_value(watches[1].path, "resourceVersion"), "12");
  EXPECT_TRUE(eventually([&] { return informer_->store().keys() == std::vector<std::string>{"web/b"}; }));
}

TEST_F(InformerTest, GoneRelistsAndDeliversOnlyTheDifference) {
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1"), deployment("b", "2"), deployment("c", "3")}, "10"));
  // After the gap: a unchanged, b changed, c deleted, d created.
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1"), deployment("b", "5"), deployment("d", "6")}, "20"));
  auto first = fake_->add_watch_stream();
  first->send(nlohmann::json{{"type", "ERROR"}, {"object", status_body(410, "Expired", "too old resource version: 10 (18)")}}
                  .dump() +
              "\n");
  auto second = fake_->add_watch_stream();
  second->send(event("MODIFIED", deployment("d", "21")));
  start();

  auto seen = recorder_.wait_for(7);
  EXPECT_THAT(seen, ElementsAre("add web/a@1", "add web/b@2", "add web/c@3",  // the first list
                                "add web/d@6", "update web/b@2->5", "delete web/c@3",  // the relist's difference
                                "update web/d@6->21"));
  ASSERT_TRUE(fake_->wait_for_watches(2));
  EXPECT_EQ(query_value(fake_->watch_requests()[1].path, "resourceVersion"), "20");
  EXPECT_EQ(informer_->store().keys(), (std::vector<std::string>{"web/a", "web/b", "web/d"}));
  EXPECT_EQ(informer_->metrics().lists, 2u);
  EXPECT_EQ(informer_->metrics().relists, 1u);
  EXPECT_EQ(informer_->metrics().watch_failures, 1u);
  EXPECT_FALSE(informer_->last_error());  // the relist worked
}

TEST_F(InformerTest, GoneAsHttpStatusAlsoRelists) {
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1")}, "10"));
  fake_->on("GET", kCollection, 200, list_of({}, "30"));
  fake_->add_watch_stream()->refuse(410, status_body(410, "Gone", "too old resource version: 10 (25)"));
  start();
  auto seen = recorder_.wait_for(2);
  EXPECT_THAT(seen, ElementsAre("add web/a@1", "delete web/a@1"));
  ASSERT_TRUE(fake_->wait_for_watches(2));
  EXPECT_EQ(query_value(fake_->watch_requests()[1].path, "resourceVersion"), "30");
}

TEST_F(InformerTest, NotSyncedUntilAListSucceedsAndBacksOffOnTheClock) {
  fake_->on("GET", kCollection, 403, status_body(403, "Forbidden", "deployments.apps is forbidden",
                                                 {{"group", "apps"}, {"kind", "deployments"}}));
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1")}, "10"));
  start({.initial_backoff = seconds(1)});

  ASSERT_TRUE(eventually([&] { return informer_->metrics().list_failures == 1; }));
  EXPECT_FALSE(informer_->has_synced());
  ASSERT_TRUE(informer_->last_error());
  EXPECT_EQ(informer_->last_error()->code, ErrorCode::kDenied);
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(informer_->metrics().lists, 1u);  // waiting on the fake clock, which has not moved

  // Past the backoff with its jitter. (Repeated: the reader may not have
  // started its wait yet, and a wait started later counts from then.)
  ASSERT_TRUE(eventually([&] {
    clock_.advance(seconds(2));
    informer_->recheck_clock();
    return informer_->has_synced();
  }));
  std::stop_source never;
  EXPECT_TRUE(informer_->wait_for_sync(never.get_token()));
  EXPECT_THAT(recorder_.wait_for(1), ElementsAre("add web/a@1"));
  EXPECT_EQ(informer_->metrics().lists, 2u);
  EXPECT_EQ(informer_->metrics().relists, 0u);
}

TEST_F(InformerTest, EmptyWatchesBackOff) {
  fake_->on("GET", kCollection, 200, list_of({}, "10"));
  fake_->add_watch_stream()->cut();  // refused before any event
  fake_->add_watch_stream();
  start({.initial_backoff = seconds(1)});
  ASSERT_TRUE(fake_->wait_for_watches(1));
  EXPECT_FALSE(fake_->wait_for_watches(2, milliseconds(100)));
  ASSERT_TRUE(eventually([&] {
    clock_.advance(seconds(2));
    informer_->recheck_clock();
    return fake_->wait_for_watches(2, milliseconds(1));
  }));
  EXPECT_EQ(query_value(fake_->watch_requests()[1].path, "resourceVersion"), "10");
  EXPECT_EQ(informer_->metrics().lists, 1u);
}

TEST_F(InformerTest, PeriodicResyncRedeliversEveryObject) {
  fake_->on("GET", kCollection, 200, list_of({deployment("a", "1"), deployment("b", "2")}, "10"));
  fake_->add_watch_stream();
  start({.resync_period = seconds(30), .initial_backoff = milliseconds(0)});
  ASSERT_THAT(recorder_.wait_for(2), ElementsAre("add web/a@1", "add web/b@2"));

  clock_.advance(seconds(29));
  informer_->recheck_clock();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(recorder_.entries().size(), 2u);  // not yet

  clock_.advance(seconds(1));
  informer_->recheck_clock();
  EXPECT_THAT(recorder_.wait_for(4),
              ElementsAre("add web/a@1", "add web/b@2", "update web/a@1->1", "update web/b@2->2"));
  EXPECT_EQ(informer_->metrics().resyncs, 1u);
}

TEST_F(InformerTest, IndexesServeTheCache) {
  fake_->on("GET", kCollection, 200,
            list_of({deployment("a", "1"), deployment("b", "2")}, "10"));
  fake_->add_watch_stream();
  informer_ = std::make_unique<Informer>(client_, kDeployment, "web", InformerSelectors{.label_selector = "tier=web"},
                                         clock_, InformerOptions{.initial_backoff = milliseconds(0)});
  ASSERT_TRUE(informer_->add_index("replicas", [](const nlohmann::json& d) {
    return std::vector<std::string>{std::to_string(d.at("spec").at("replicas").get<int>())};
  }));
  thread_ = std::jthread([this](std::stop_token stop) { informer_->run(stop); });
  std::stop_source never;
  ASSERT_TRUE(informer_->wait_for_sync(never.get_token()));
  EXPECT_EQ(informer_->store().by_index("replicas", "1").size(), 2u);
  EXPECT_EQ(query_value(fake_->requests_for("GET", kCollection)[0].path, "labelSelector"), "tier%3Dweb");
  ASSERT_TRUE(fake_->wait_for_watches(1));
  EXPECT_EQ(query_value(fake_->watch_requests()[0].path, "labelSelector"), "tier%3Dweb");
}

TEST_F(InformerTest, StopsPromptly) {
  fake_->on("GET", kCollection, 200, list_of({}, "10"));
  fake_->add_watch_stream();  // a watch that never says anything
  start();
  ASSERT_TRUE(fake_->wait_for_watches(1));
  auto begin = std::chrono::steady_clock::now();
  thread_ = {};
  EXPECT_LT(std::chrono::steady_clock::now() - begin, seconds(5));
}

}  // namespace
}  // namespace pier::kube
