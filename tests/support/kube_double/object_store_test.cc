#include "object_store.h"

#include <gtest/gtest.h>

namespace pier::testing::kube_double {
namespace {

ResourceType config_maps() {
  ResourceType type;
  type.version = "v1";
  type.kind = "ConfigMap";
  type.plural = "configmaps";
  return type;
}

nlohmann::json config_map(const std::string& ns, const std::string& name, const std::string& value = "v") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", name}}}}},
          {"data", {{"k", value}}}};
}

std::vector<std::string> names(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& item : page.items) out.push_back(item->namespace_name + "/" + item->name);
  return out;
}

class RecordingListener : public ChangeListener {
 public:
  void on_change(const ChangeEvent& event) override { events.push_back(event); }
  std::vector<ChangeEvent> events;
};

TEST(ObjectStore, WritesGetIncreasingResourceVersions) {
  ObjectStore store(0);
  ResourceType type = config_maps();
  auto lock = store.lock();
  ObjectPtr a = store.put(lock, type, config_map("web", "a"));
  ObjectPtr b = store.put(lock, type, config_map("web", "b"));
  EXPECT_EQ(a->resource_version, 1);
  EXPECT_EQ(b->resource_version, 2);
  EXPECT_EQ(store.resource_version(lock), 2);
  EXPECT_EQ(a->body.find("apiVersion"), std::string::npos);  // list-item form
  auto full = nlohmann::json::parse(a->full_text("v1", "ConfigMap"));
  EXPECT_EQ(full["kind"], "ConfigMap");
  EXPECT_EQ(full["metadata"]["resourceVersion"], "1");
}

TEST(ObjectStore, ListsInKeyOrderWithPages) {
  ObjectStore store(0);
  ResourceType type = config_maps();
  auto lock = store.lock();
  for (const char* name : {"c", "a", "b"}) store.put(lock, type, config_map("web", name));
  store.put(lock, type, config_map("api", "z"));
  store.put(lock, type, config_map("web-2", "x"));

  ListPage all = store.list(lock, type, {});
  EXPECT_EQ(names(all), (std::vector<std::string>{"api/z", "web-2/x", "web/a", "web/b", "web/c"}));
  ListQuery in_web;
  in_web.namespace_name = "web";
  in_web.limit = 2;
  ListPage first = store.list(lock, type, in_web);
  EXPECT_EQ(names(first), (std::vector<std::string>{"web/a", "web/b"}));
  ASSERT_FALSE(first.next_key.empty());
  in_web.start_key = first.next_key;
  ListPage second = store.list(lock, type, in_web);
  EXPECT_EQ(names(second), (std::vector<std::string>{"web/c"}));
  EXPECT_TRUE(second.next_key.empty());
}

TEST(ObjectStore, ReadsAnEarlierRevision) {
  ObjectStore store(0);
  ResourceType type = config_maps();
  auto lock = store.lock();
  store.put(lock, type, config_map("web", "a", "1"));
  store.put(lock, type, config_map("web", "b", "1"));
  int64_t snapshot = store.resource_version(lock);
  store.put(lock, type, config_map("web", "a", "2"));
  store.remove(lock, type, "web", "b");
  store.put(lock, type, config_map("web", "c", "1"));

  ListQuery then;
  then.at_revision = snapshot;
  ListPage page = store.list(lock, type, then);
  EXPECT_EQ(names(page), (std::vector<std::string>{"web/a", "web/b"}));
  EXPECT_NE(page.items[0]->body.find("\"1\""), std::string::npos);
  EXPECT_EQ(names(store.list(lock, type, {})), (std::vector<std::string>{"web/a", "web/c"}));
}

TEST(ObjectStore, EventsCarryPreviousStateAndDeletionRevision) {
  ObjectStore store(0);
  RecordingListener listener;
  store.set_listener(&listener);
  ResourceType type = config_maps();
  auto lock = store.lock();
  store.put(lock, type, config_map("web", "a", "1"));
  store.put(lock, type, config_map("web", "a", "2"));
  store.remove(lock, type, "web", "a");
  ASSERT_EQ(listener.events.size(), 3u);
  EXPECT_EQ(listener.events[0].type, EventType::kAdded);
  EXPECT_EQ(listener.events[1].type, EventType::kModified);
  EXPECT_EQ(listener.events[1].previous->resource_version, 1);
  EXPECT_EQ(listener.events[2].type, EventType::kDeleted);
  auto deleted = nlohmann::json::parse(listener.events[2].object->body);
  EXPECT_EQ(deleted["metadata"]["resourceVersion"], "3");

  auto since = store.events_since(lock, type.collection(), 1);
  ASSERT_TRUE(since);
  EXPECT_EQ(since->size(), 2u);
}

TEST(ObjectStore, CompactionExpiresOlderRevisions) {
  ObjectStore store(0);
  ResourceType type = config_maps();
  auto lock = store.lock();
  store.put(lock, type, config_map("web", "a"));
  store.put(lock, type, config_map("web", "b"));
  store.compact(lock);
  auto old = store.events_since(lock, type.collection(), 1);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, 410);
  EXPECT_EQ(old.error().reason, "Expired");
  EXPECT_EQ(old.error().message, "too old resource version: 1 (2)");
  EXPECT_TRUE(store.events_since(lock, type.collection(), 2));
  EXPECT_EQ(store.list(lock, type, {}).items.size(), 2u);
}

TEST(ObjectStore, WindowCompactsAutomatically) {
  ObjectStore store(10);
  ResourceType type = config_maps();
  auto lock = store.lock();
  for (int i = 0; i < 40; ++i) store.put(lock, type, config_map("web", "a", std::to_string(i)));
  EXPECT_GE(store.compacted_revision(lock), 40 - 13);
  EXPECT_LE(store.compacted_revision(lock), 40 - 10);
  EXPECT_FALSE(store.events_since(lock, type.collection(), 1));
  EXPECT_TRUE(store.events_since(lock, type.collection(), 30));
  ListQuery at;
  at.at_revision = 31;
  EXPECT_EQ(store.list(lock, type, at).items.size(), 1u);
}

}  // namespace
}  // namespace pier::testing::kube_double
