#include "kube/object_store.h"

#include <gtest/gtest.h>

#include <thread>

namespace pier::kube {
namespace {

ObjectPtr object(std::string ns, std::string name, std::string rv = "1", std::string service = "") {
  nlohmann::json o = {{"metadata", {{"name", name}, {"resourceVersion", rv}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  if (!service.empty()) o["metadata"]["labels"] = {{"kubernetes.io/service-name", service}};
  return std::make_shared<const nlohmann::json>(std::move(o));
}

std::vector<std::string> names(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.push_back((*o)["metadata"]["name"]);
  return out;
}

// EndpointSlices by the Service they belong to, as the load balancer indexes them.
std::vector<std::string> by_service(const nlohmann::json& slice) {
  const auto& meta = slice.at("metadata");
  std::string service = meta.at("labels").at("kubernetes.io/service-name");  // throws when absent: no value
  return {meta.value("namespace", "") + "/" + service};
}

TEST(ObjectStoreTest, Keys) {
  EXPECT_EQ(ObjectStore::key_of(*object("web", "jetty")), "web/jetty");
  EXPECT_EQ(ObjectStore::key_of(*object("", "node-1")), "node-1");
  EXPECT_EQ(ObjectStore::key_of("web", "jetty"), "web/jetty");
}

TEST(ObjectStoreTest, UpsertGetRemove) {
  ObjectStore store;
  EXPECT_EQ(store.upsert(object("web", "a", "1")), nullptr);
  auto first = store.get("web/a");
  ASSERT_TRUE(first);
  auto displaced = store.upsert(object("web", "a", "2"));
  EXPECT_EQ(displaced, first);
  EXPECT_EQ((*store.get("web/a"))["metadata"]["resourceVersion"], "2");
  EXPECT_EQ((*first)["metadata"]["resourceVersion"], "1");  // a reader's copy never changes
  EXPECT_EQ(store.remove("web/a")->at("metadata").at("resourceVersion"), "2");
  EXPECT_EQ(store.get("web/a"), nullptr);
  EXPECT_EQ(store.remove("web/a"), nullptr);
  EXPECT_EQ(store.size(), 0u);
}

TEST(ObjectStoreTest, ListAndNamespaceIndex) {
  ObjectStore store;
  store.upsert(object("web", "b"));
  store.upsert(object("db", "a"));
  store.upsert(object("web", "a"));
  store.upsert(object("", "cluster-wide"));
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"cluster-wide", "db/a", "web/a", "web/b"}));
  EXPECT_EQ(names(store.by_namespace("web")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names(store.by_namespace("")), (std::vector<std::string>{"cluster-wide"}));
  store.remove("web/a");
  store.remove("web/b");
  EXPECT_TRUE(store.by_namespace("web").empty());
  EXPECT_EQ(store.list().size(), 2u);
}

TEST(ObjectStoreTest, UserIndexFollowsChanges) {
  ObjectStore store;
  store.upsert(object("web", "jetty-abc", "1", "jetty"));
  ASSERT_TRUE(store.add_index("service", by_service));  // built over what is there
  EXPECT_FALSE(store.add_index("service", by_service));  // once per name
  store.upsert(object("web", "jetty-def", "1", "jetty"));
  store.upsert(object("shop", "jetty-xyz", "1", "jetty"));  // same Service name, other namespace
  store.upsert(object("web", "no-label"));
  EXPECT_EQ(names(store.by_index("service", "web/jetty")), (std::vector<std::string>{"jetty-abc", "jetty-def"}));
  EXPECT_EQ(names(store.by_index("service", "shop/jetty")), (std::vector<std::string>{"jetty-xyz"}));

  store.upsert(object("web", "jetty-abc", "2", "api"));  // relabelled
  EXPECT_EQ(names(store.by_index("service", "web/jetty")), (std::vector<std::string>{"jetty-def"}));
  EXPECT_EQ(names(store.by_index("service", "web/api")), (std::vector<std::string>{"jetty-abc"}));
  store.remove("web/jetty-def");
  EXPECT_TRUE(store.by_index("service", "web/jetty").empty());
  EXPECT_TRUE(store.by_index("no-such-index", "x").empty());
}

TEST(ObjectStoreTest, ReplaceSwapsEverythingAndTheResourceVersion) {
  ObjectStore store;
  ASSERT_TRUE(store.add_index("service", by_service));
  store.upsert(object("web", "old", "1", "jetty"));
  store.set_resource_version("5");
  store.replace({object("web", "new", "9", "jetty"), object("db", "x")}, "10");
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"db/x", "web/new"}));
  EXPECT_EQ(names(store.by_index("service", "web/jetty")), (std::vector<std::string>{"new"}));
  EXPECT_EQ(names(store.by_namespace("web")), (std::vector<std::string>{"new"}));
  EXPECT_EQ(store.resource_version(), "10");
}

TEST(ObjectStoreTest, ConcurrentReadersAndAWriter) {
  ObjectStore store;
  ASSERT_TRUE(store.add_index("service", by_service));
  std::jthread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      store.upsert(object("web", "s" + std::to_string(i % 50), std::to_string(i), "svc" + std::to_string(i % 7)));
      if (i % 3 == 0) store.remove("web/s" + std::to_string((i + 1) % 50));
    }
  });
  std::size_t seen = 0;
  for (int i = 0; i < 2000; ++i) {
    for (const auto& o : store.by_index("service", "web/svc3")) seen += o->size();
    seen += store.list().size() + store.by_namespace("web").size();
  }
  writer.join();
  EXPECT_LE(store.size(), 50u);
  EXPECT_GT(seen + 1, 0u);
}

}  // namespace
}  // namespace pier::kube
