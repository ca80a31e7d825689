#include <gtest/gtest.h>

#include "api_server_double.h"
#include "double_test_support.h"
#include "https_client.h"

namespace pier::testing {
namespace {

const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";

std::vector<std::string> names_of(const nlohmann::json& list) {
  std::vector<std::string> names;
  for (const auto& item : list["items"]) names.push_back(item["metadata"]["name"]);
  return names;
}

std::string encode(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
      out += c;
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", static_cast<unsigned char>(c));
      out += buffer;
    }
  }
  return out;
}

class DoubleList : public ::testing::Test {
 protected:
  void SetUp() override {
    api.put(config_map("default", "a", {{"app", "web"}, {"tier", "front"}}));
    api.put(config_map("default", "b", {{"app", "web"}, {"tier", "back"}}));
    api.put(config_map("default", "c", {{"app", "db"}}));
    api.put(config_map("other", "d", {{"app", "web"}}));
  }
  ApiServerDouble api;
  HttpsClient client{api};
};

TEST_F(DoubleList, ListShape) {
  auto list = client.get(kConfigMaps);
  ASSERT_EQ(list.status, 200);
  auto body = list.json();
  EXPECT_EQ(body["kind"], "ConfigMapList");
  EXPECT_EQ(body["apiVersion"], "v1");
  EXPECT_EQ(body["metadata"]["resourceVersion"], std::to_string(api.resource_version()));
  EXPECT_EQ(names_of(body), (std::vector<std::string>{"a", "b", "c"}));
  // As kube-apiserver sends them: items of built-in kinds without apiVersion/kind.
  EXPECT_FALSE(body["items"][0].contains("kind"));
  EXPECT_FALSE(body["items"][0].contains("apiVersion"));
  EXPECT_EQ(names_of(client.get("/api/v1/configmaps").json()), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST_F(DoubleList, LabelSelectors) {
  auto select = [&](const std::string& selector) {
    return names_of(client.get(kConfigMaps + "?labelSelector=" + encode(selector)).json());
  };
  EXPECT_EQ(select("app=web"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(select("app==web,tier!=front"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(select("tier in (front,back)"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(select("tier notin (front)"), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(select("tier"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(select("!tier"), (std::vector<std::string>{"c"}));
  auto bad = client.get(kConfigMaps + "?labelSelector=" + encode("app in (web"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["reason"], "BadRequest");
}

TEST_F(DoubleList, FieldSelectors) {
  EXPECT_EQ(names_of(client.get(kConfigMaps + "?fieldSelector=metadata.name%3Db").json()),
            (std::vector<std::string>{"b"}));
  EXPECT_EQ(names_of(client.get("/api/v1/configmaps?fieldSelector=metadata.namespace%21%3Ddefault").json()),
            (std::vector<std::string>{"d"}));
  EXPECT_EQ(client.get(kConfigMaps + "?fieldSelector=data.key%3Dv").status, 400);
}

TEST_F(DoubleList, PagesShowOneSnapshot) {
  for (int i = 0; i < 7; ++i) api.put(config_map("default", "p" + std::to_string(i), {}, "old"));
  auto first = client.get(kConfigMaps + "?limit=4").json();
  EXPECT_EQ(names_of(first), (std::vector<std::string>{"a", "b", "c", "p0"}));
  std::string snapshot = first["metadata"]["resourceVersion"];
  std::string token = first["metadata"]["continue"];
  ASSERT_FALSE(token.empty());

  // Changes after the first page do not show in the following ones.
  api.put(config_map("default", "p1", {}, "new"));
  api.remove("v1", "ConfigMap", "default", "p2");
  api.put(config_map("default", "p9", {}, "new"));

  auto second = client.get(kConfigMaps + "?limit=4&continue=" + token).json();
  EXPECT_EQ(names_of(second), (std::vector<std::string>{"p1", "p2", "p3", "p4"}));
  EXPECT_EQ(second["items"][0]["data"]["key"], "old");
  EXPECT_EQ(second["metadata"]["resourceVersion"], snapshot);
  auto third = client.get(kConfigMaps + "?limit=4&continue=" + second["metadata"]["continue"].get<std::string>()).json();
  EXPECT_EQ(names_of(third), (std::vector<std::string>{"p5", "p6"}));
  EXPECT_FALSE(third["metadata"].contains("continue"));
}

TEST_F(DoubleList, ExpiredContinueIsGone) {
  auto first = client.get(kConfigMaps + "?limit=1").json();
  std::string token = first["metadata"]["continue"];
  api.put(config_map("default", "z"));
  api.compact();
  auto expired = client.get(kConfigMaps + "?limit=1&continue=" + token);
  EXPECT_EQ(expired.status, 410);
  auto status = expired.json();
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_TRUE(status["message"].get<std::string>().starts_with("The provided continue parameter is too old"));
  // The inconsistent remainder is offered, as the real server does.
  std::string remainder = status["metadata"]["continue"];
  auto rest = client.get(kConfigMaps + "?limit=10&continue=" + remainder).json();
  EXPECT_EQ(names_of(rest), (std::vector<std::string>{"b", "c", "z"}));

  EXPECT_EQ(client.get(kConfigMaps + "?continue=garbage").status, 400);
}

TEST_F(DoubleList, ResourceVersionSemantics) {
  std::string before = client.get(kConfigMaps).json()["metadata"]["resourceVersion"];
  api.put(config_map("default", "a", {{"app", "changed"}}));
  // NotOlderThan (the default): the current state.
  auto current = client.get(kConfigMaps + "?resourceVersion=" + before).json();
  EXPECT_EQ(current["items"][0]["metadata"]["labels"]["app"], "changed");
  // Exact: the state at that revision.
  auto exact = client.get(kConfigMaps + "?resourceVersionMatch=Exact&resourceVersion=" + before).json();
  EXPECT_EQ(exact["items"][0]["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(exact["metadata"]["resourceVersion"], before);
  EXPECT_EQ(client.get(kConfigMaps + "?resourceVersion=0").status, 200);

  auto future = client.get(kConfigMaps + "?resourceVersion=999999");
  EXPECT_EQ(future.status, 504);
  EXPECT_EQ(future.json()["details"]["causes"][0]["reason"], "ResourceVersionTooLarge");
  EXPECT_EQ(client.get(kConfigMaps + "?resourceVersionMatch=Exact").status, 400);
  api.compact();
  auto too_old = client.get(kConfigMaps + "?resourceVersionMatch=Exact&resourceVersion=" + before);
  EXPECT_EQ(too_old.status, 410);
}

TEST_F(DoubleList, DeleteCollection) {
  auto deleted = client.remove(kConfigMaps + "?labelSelector=app%3Dweb");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["items"].size(), 2u);
  EXPECT_EQ(names_of(client.get(kConfigMaps).json()), (std::vector<std::string>{"c"}));
}

}  // namespace
}  // namespace pier::testing
