// The console's REST API end to end, over HTTP on loopback, with a gitops
// target, on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>

#include "console_fixture.h"
#include "postgres_server.h"

namespace pier::console::testing {
namespace {

enum class Backend { kSqlite, kPostgres };

std::string database_for(Backend backend) {
  if (backend == Backend::kSqlite) return "";
  auto server = store::testing::PostgresServer::shared();
  if (!server) {
    ADD_FAILURE() << server.error().describe();
    return "";
  }
  auto name = (*server)->create_database();
  if (!name) {
    ADD_FAILURE() << name.error().describe();
    return "";
  }
  return (*server)->url(*name);
}

class ConsoleApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  ConsoleUnderTest console{{.database = database_for(GetParam())}};

  // Deploys and waits for the operation; returns it.
  json deploy_and_wait(const std::string& path, const json& body) {
    Reply started = console.call("POST", path, body);
    EXPECT_EQ(started.status, 202) << started.text;
    if (started.status != 202) return json();
    return console.wait_operation(started.body["operation"]["id"]);
  }
};

const std::string kWeb = "/releases/local/shop/web";

std::vector<std::string> event_types(const json& operation) {
  std::vector<std::string> types;
  for (const auto& e : operation["events"]) types.push_back(e["type"]);
  return types;
}

TEST_P(ConsoleApiTest, InstallUpgradeHistoryDiffAndRollback) {
  json op = deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values("2.3.1"), {{"message", "first"}}));
  EXPECT_EQ(op["status"], "succeeded") << op.dump();
  EXPECT_EQ(op["kind"], "install");
  auto types = event_types(op);
  ASSERT_GE(types.size(), 4u);
  EXPECT_EQ(types.front(), "validated");
  EXPECT_EQ(types[1], "rendered");
  EXPECT_EQ(types.back(), "done");
  auto deployment = console.gitops_dir() / "local/shop/web/03-deployment-shop-web.yaml";
  ASSERT_TRUE(std::filesystem::exists(deployment));
  EXPECT_NE(read_file(deployment).find("hello-web:2.3.1"), std::string::npos);

  op = deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values("2.4.0", 3)));
  EXPECT_EQ(op["status"], "succeeded");
  EXPECT_EQ(op["kind"], "upgrade");
  EXPECT_NE(read_file(deployment).find("hello-web:2.4.0"), std::string::npos);

  Reply history = console.call("GET", kWeb + "/revisions");
  ASSERT_EQ(history.status, 200) << history.text;
  ASSERT_EQ(history.body.size(), 2u);
  EXPECT_EQ(history.body[0]["revision"], 2);
  EXPECT_EQ(history.body[0]["status"], "deployed");
  EXPECT_EQ(history.body[1]["status"], "superseded");
  EXPECT_EQ(history.body[1]["message"], "first");
  EXPECT_EQ(history.body[1]["user"], "admin");

  Reply diff = console.call("GET", kWeb + "/diff?from=1&to=2");
  ASSERT_EQ(diff.status, 200) << diff.text;
  EXPECT_EQ(diff.body["values"]["changed_paths"],
            json({"/jetty/min_replicas", "/jetty/replicas", "/jetty/version"}));
  EXPECT_EQ(diff.body["counts"]["changed"], 2) << diff.text;  // the Deployment and the HPA

  Reply preview = console.call("POST", kWeb + "/rollback", {{"revision", 1}, {"dry_run", true}});
  ASSERT_EQ(preview.status, 200) << preview.text;
  EXPECT_EQ(preview.body["values"]["changed_paths"], diff.body["values"]["changed_paths"]);
  EXPECT_EQ(console.call("GET", kWeb + "/revisions").body.size(), 2u);  // a preview stores nothing

  Reply rollback = console.call("POST", kWeb + "/rollback", {{"revision", 1}});
  ASSERT_EQ(rollback.status, 202) << rollback.text;
  EXPECT_EQ(rollback.body["revision"]["revision"], 3);
  op = console.wait_operation(rollback.body["operation"]["id"]);
  EXPECT_EQ(op["status"], "succeeded");
  EXPECT_EQ(op["kind"], "rollback");
  EXPECT_NE(read_file(deployment).find("hello-web:2.3.1"), std::string::npos);
  Reply release = console.call("GET", kWeb);
  EXPECT_EQ(release.body["revision"], 3);
  EXPECT_EQ(release.body["deployed_revision"], 3);
  EXPECT_EQ(release.body["message"], "rollback to revision 1");
  EXPECT_EQ(console.call("GET", kWeb + "/diff?from=1&to=3").body["values"]["changed_paths"], json::array());
}

TEST_P(ConsoleApiTest, InvalidValuesAre422WithEveryProblemAtItsPointer) {
  json values = {{"jetty", {{"image", "hello-web"}, {"version", "2.3.1"}, {"replicas", -1}, {"port", "http"}}}};
  Reply reply = console.call("POST", kWeb + "/deploy", deploy_body(values));
  ASSERT_EQ(reply.status, 422) << reply.text;
  std::set<std::string> locations;
  for (const auto& d : reply.body["details"]) locations.insert(d["location"]);
  EXPECT_TRUE(locations.contains("/jetty/replicas")) << reply.text;
  EXPECT_TRUE(locations.contains("/jetty/port")) << reply.text;
  // min_replicas defaults to the refused replicas, so it is refused too.
  EXPECT_EQ(reply.body["error"], "values do not match jetty/schema.json: 3 problems") << reply.text;
  EXPECT_EQ(console.call("GET", kWeb).status, 404);  // nothing stored
}

TEST_P(ConsoleApiTest, UnknownAppClusterReleaseRevisionAndOperationAre404) {
  Reply app = console.call("POST", kWeb + "/deploy", {{"app", "jety"}, {"values", jetty_values()}});
  EXPECT_EQ(app.status, 404);
  EXPECT_NE(app.body["error"].get<std::string>().find("did you mean \"jetty\""), std::string::npos) << app.text;
  Reply cluster = console.call("POST", "/releases/nowhere/shop/web/deploy", deploy_body(jetty_values()));
  EXPECT_EQ(cluster.status, 404) << cluster.text;
  EXPECT_EQ(console.call("GET", kWeb).status, 404);
  EXPECT_EQ(console.call("GET", kWeb + "/revisions").status, 404);
  EXPECT_EQ(console.call("GET", "/operations/999").status, 404);
  EXPECT_EQ(console.call("GET", "/operations/abc").status, 404);
  EXPECT_EQ(console.call("GET", "/apps/nope").status, 404);
  deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  EXPECT_EQ(console.call("GET", kWeb + "/revisions/7").status, 404);
  EXPECT_EQ(console.call("POST", kWeb + "/rollback", {{"revision", 7}}).status, 404);
}

TEST_P(ConsoleApiTest, ADryRunShowsTheDiffAndStoresNothing) {
  Reply reply = console.call("POST", kWeb + "/deploy", deploy_body(jetty_values(), {{"dry_run", true}}));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["counts"]["added"], reply.body["objects"].size());
  EXPECT_EQ(console.call("GET", kWeb).status, 404);
  EXPECT_FALSE(std::filesystem::exists(console.gitops_dir() / "local/shop/web"));
}

TEST_P(ConsoleApiTest, ASecondOperationOnAHeldReleaseIs409NamingTheHolder) {
  deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  // Another replica holds the release.
  auto other = store::open_store(console.database_url());
  ASSERT_TRUE(other) << other.error().describe();
  auto held = (*other)->begin_operation({.key = {"local", "shop", "web"}, .kind = "upgrade", .user = "bob",
                                         .holder = "pier-other/77", .lease_ttl = std::chrono::seconds(60)});
  ASSERT_TRUE(held) << held.error().describe();
  Reply reply = console.call("POST", kWeb + "/deploy", deploy_body(jetty_values("2.4.0")));
  ASSERT_EQ(reply.status, 409) << reply.text;
  std::string message = reply.body["error"];
  EXPECT_NE(message.find("bob"), std::string::npos) << message;
  EXPECT_NE(message.find("pier-other/77"), std::string::npos) << message;
  EXPECT_EQ(console.call("POST", kWeb + "/rollback", {{"revision", 1}}).status, 409);
  // The listing shows who holds it.
  Reply list = console.call("GET", "/releases");
  EXPECT_EQ(list.body["items"][0]["active_operation"]["holder"], "pier-other/77");
  ASSERT_TRUE((*other)->finish_operation(held->id, store::OperationStatus::kSucceeded, ""));
  EXPECT_EQ(deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values("2.4.0")))["status"], "succeeded");
}

TEST_P(ConsoleApiTest, AnOperationWhoseWorkerDiedIsInterruptedAndTheNextProceeds) {
  deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  auto other = store::open_store(console.database_url());
  ASSERT_TRUE(other);
  auto dead = (*other)->begin_operation({.key = {"local", "shop", "web"}, .kind = "upgrade", .user = "bob",
                                         .holder = "pier-dead/1", .lease_ttl = std::chrono::milliseconds(300)});
  ASSERT_TRUE(dead);
  ASSERT_TRUE((*other)->create_revision({.key = {"local", "shop", "web"}, .app = "jetty", .app_version = "1.0.0",
                                         .user = "bob", .operation = dead->id}));
  ASSERT_TRUE((*other)->append_event(dead->id, {{"type", "applied"}, {"message", "applied 1/6"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  // The next deploy takes over; the dead one's revision is interrupted, its events kept.
  json op = deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values("2.4.0")));
  EXPECT_EQ(op["status"], "succeeded");
  Reply history = console.call("GET", kWeb + "/revisions");
  ASSERT_EQ(history.body.size(), 3u) << history.text;
  EXPECT_EQ(history.body[1]["status"], "interrupted");
  Reply old = console.call("GET", "/operations/" + std::to_string(dead->id.value));
  EXPECT_EQ(old.body["status"], "interrupted");
  EXPECT_EQ(old.body["events"][0]["message"], "applied 1/6");
}

TEST_P(ConsoleApiTest, EventsStreamFromTheStartOrAfterLastEventId) {
  json op = deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  std::string url = console.base() + "/api/v1/operations/" + op["id"].get<std::string>() + "/events";
  http::SseReader all(url, {"Authorization: Bearer " + console.admin_token()});
  ASSERT_TRUE(all.wait_finished());
  EXPECT_EQ(all.content_type(), "text/event-stream");
  std::string text = all.text();
  EXPECT_NE(text.find("id: 1\nevent: validated"), std::string::npos) << text;
  EXPECT_NE(text.find("event: done"), std::string::npos) << text;
  EXPECT_NE(text.find("event: end"), std::string::npos) << text;

  http::SseReader later(url, {"Authorization: Bearer " + console.admin_token(), "Last-Event-ID: 3"});
  ASSERT_TRUE(later.wait_finished());
  EXPECT_EQ(later.text().find("id: 3\n"), std::string::npos) << later.text();
  EXPECT_NE(later.text().find("id: 4\n"), std::string::npos) << later.text();
}

TEST_P(ConsoleApiTest, TokensRolesAndScopes) {
  deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  deploy_and_wait("/releases/local/pay/api/deploy", deploy_body(jetty_values()));
  EXPECT_EQ(console.call("GET", "/releases", nullptr, "").status, 401);
  EXPECT_EQ(console.call("GET", "/releases", nullptr, "pier_not-a-token").status, 401);

  std::string viewer = console.token_for("vera", "viewer");
  EXPECT_EQ(console.call("GET", "/releases", nullptr, viewer).body["items"].size(), 2u);
  EXPECT_EQ(console.call("POST", kWeb + "/deploy", deploy_body(jetty_values()), viewer).status, 403);
  EXPECT_EQ(console.call("GET", "/tokens", nullptr, viewer).status, 403);
  EXPECT_EQ(console.call("GET", "/audit", nullptr, viewer).status, 403);

  std::string shop = console.token_for("sam", "deployer", {"local/shop"});
  Reply who = console.call("GET", "/whoami", nullptr, shop);
  EXPECT_EQ(who.body, json::parse(R"({"user":"sam","role":"deployer","scopes":["local/shop"]})")) << who.text;
  Reply mine = console.call("GET", "/releases", nullptr, shop);
  ASSERT_EQ(mine.body["items"].size(), 1u) << mine.text;
  EXPECT_EQ(mine.body["items"][0]["namespace"], "shop");
  EXPECT_EQ(console.call("GET", "/releases/local/pay/api", nullptr, shop).status, 404);
  EXPECT_EQ(console.call("POST", "/releases/local/pay/api/deploy", deploy_body(jetty_values()), shop).status, 403);
  Reply ok = console.call("POST", kWeb + "/deploy", deploy_body(jetty_values("2.4.0")), shop);
  ASSERT_EQ(ok.status, 202) << ok.text;
  EXPECT_EQ(ok.body["revision"]["user"], "sam");
  console.wait_operation(ok.body["operation"]["id"]);

  // Token listings never show a token; a revoked token stops working.
  Reply tokens = console.call("GET", "/tokens");
  ASSERT_EQ(tokens.status, 200);
  EXPECT_EQ(tokens.text.find(shop), std::string::npos);
  EXPECT_EQ(tokens.text.find(console.admin_token()), std::string::npos);
  std::string sam_id;
  for (const auto& t : tokens.body)
    if (t["user"] == "sam") sam_id = t["id"];
  ASSERT_FALSE(sam_id.empty());
  EXPECT_EQ(console.call("DELETE", "/tokens/" + sam_id).status, 204);
  EXPECT_EQ(console.call("GET", "/releases", nullptr, shop).status, 401);

  Reply audit = console.call("GET", "/audit?user=sam");
  ASSERT_EQ(audit.status, 200);
  ASSERT_FALSE(audit.body["items"].empty());
  EXPECT_EQ(audit.body["items"][0]["action"], "release.upgrade");
  EXPECT_EQ(audit.body["items"][0]["target"], "local/shop/web");
}

TEST_P(ConsoleApiTest, SecretValuesAreSealedNeverShownAndKeptWhenSentMasked) {
  const std::string password = "s3cret-Cache-Pass-2024";
  json values = {{"redis", {{"limit_memory", "512Mi"}}}, {"auth", {{"password", password}}}};
  std::string path = "/releases/local/cache/redis";
  json op = deploy_and_wait(path + "/deploy", {{"app", "redis"}, {"values", values}});
  ASSERT_EQ(op["status"], "succeeded") << op.dump();

  Reply revision = console.call("GET", path + "/revisions/1");
  ASSERT_EQ(revision.status, 200);
  EXPECT_EQ(revision.body["values"]["auth"]["password"], "********");
  EXPECT_EQ(revision.text.find(password), std::string::npos);
  EXPECT_EQ(revision.text.find("czNjcmV0"), std::string::npos);  // nor its base64 in a Secret

  // The form comes back with the mask: the password is kept.
  values["auth"]["password"] = "********";
  values["redis"]["limit_memory"] = "1Gi";
  op = deploy_and_wait(path + "/deploy", {{"app", "redis"}, {"values", values}});
  ASSERT_EQ(op["status"], "succeeded") << op.dump();
  std::string files;
  for (const auto& entry : std::filesystem::directory_iterator(console.gitops_dir() / "local/cache/redis"))
    files += read_file(entry.path());
  bool in_secret = files.find(password) != std::string::npos || files.find("czNjcmV0LUNhY2hlLVBhc3MtMjAyNA") != std::string::npos;
  EXPECT_TRUE(in_secret) << "the deployed Secret should still hold the password";

  Reply diff = console.call("GET", path + "/diff?from=1&to=2");
  EXPECT_EQ(diff.text.find(password), std::string::npos);
  for (const std::string& where : {std::string("/audit"), path + "/revisions", std::string("/releases")})
    EXPECT_EQ(console.call("GET", where).text.find(password), std::string::npos) << where;
  Reply events = console.call("GET", "/operations/" + op["id"].get<std::string>());
  EXPECT_EQ(events.text.find(password), std::string::npos);

  // At rest: neither the values nor the manifests hold it in clear.
  if (GetParam() == Backend::kSqlite) {
    std::string bytes = read_file(console.database_file());
    for (const auto& suffix : {"", "-wal"}) bytes += read_file(console.database_file().string() + suffix);
    EXPECT_EQ(bytes.find(password), std::string::npos);
  }
}

TEST_P(ConsoleApiTest, PresetsSavedPerTeamFeedTheDefaults) {
  json preset = {{"team", "pay"}, {"description", "big"}, {"values", {{"jetty", {{"image", "pay-web"}, {"version", "1.0.0"}, {"replicas", 4}}}}}};
  Reply saved = console.call("PUT", "/apps/jetty/presets/pay-big", preset);
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_EQ(saved.body["updated_by"], "admin");
  EXPECT_EQ(console.call("PUT", "/apps/jetty/presets/default", preset).status, 409);
  Reply bad = console.call("PUT", "/apps/jetty/presets/broken", {{"values", {{"jetty", {{"replicas", "many"}}}}}});
  EXPECT_EQ(bad.status, 422) << bad.text;

  Reply list = console.call("GET", "/apps/jetty/presets?team=pay");
  std::set<std::string> names;
  for (const auto& p : list.body) names.insert(p["name"]);
  EXPECT_TRUE(names.contains("pay-big"));
  EXPECT_TRUE(names.contains("default"));

  // Defaults such as min_replicas = {{ jetty.replicas }} resolve against the preset.
  Reply resolved = console.call("POST", "/apps/jetty/defaults", {{"preset", "pay-big"}, {"team", "pay"}, {"values", json::object()}});
  ASSERT_EQ(resolved.status, 200) << resolved.text;
  EXPECT_EQ(resolved.body["jetty"]["replicas"], 4);
  EXPECT_EQ(resolved.body["jetty"]["min_replicas"], 4);

  json op = deploy_and_wait(kWeb + "/deploy", {{"app", "jetty"}, {"preset", "pay-big"}, {"team", "pay"},
                                               {"values", {{"jetty", {{"version", "1.0.1"}}}}}});
  EXPECT_EQ(op["status"], "succeeded");
  std::string deployment = read_file(console.gitops_dir() / "local/shop/web/03-deployment-shop-web.yaml");
  EXPECT_NE(deployment.find("pay-web:1.0.1"), std::string::npos) << deployment;
  EXPECT_EQ(console.call("POST", kWeb + "/deploy", {{"app", "jetty"}, {"preset", "nope"}}).status, 404);

  EXPECT_EQ(console.call("DELETE", "/apps/jetty/presets/pay-big?team=pay").status, 204);
  EXPECT_EQ(console.call("GET", "/apps/jetty/presets/pay-big?team=pay").status, 404);
}

TEST_P(ConsoleApiTest, DefaultsFollowTheReleaseNameAndCanSkipValidationForAFormInProgress) {
  Reply named = console.call("POST", "/apps/jetty/defaults",
                             {{"release", "shop-web"}, {"namespace", "shop"}, {"values", jetty_values()}});
  ASSERT_EQ(named.status, 200) << named.text;
  EXPECT_EQ(named.body["jetty"]["host"], "shop-web.demo.example.com") << named.text;

  // A fresh form has no image yet: refused when validating, resolved when not.
  EXPECT_EQ(console.call("POST", "/apps/jetty/defaults", {{"values", json::object()}}).status, 422);
  Reply partial = console.call("POST", "/apps/jetty/defaults", {{"values", json::object()}, {"validate", false}});
  ASSERT_EQ(partial.status, 200) << partial.text;
  EXPECT_FALSE(partial.body["jetty"].contains("image"));
  EXPECT_EQ(partial.body["jetty"]["replicas"], 2);
  EXPECT_EQ(console.call("POST", "/apps/jetty/defaults", {{"validate", "no"}}).status, 422);

  // No password set reads empty, not as a hidden one.
  Reply redis = console.call("POST", "/apps/redis/defaults", {{"values", json::object()}});
  ASSERT_EQ(redis.status, 200) << redis.text;
  EXPECT_EQ(redis.body["auth"]["password"], "");
  Reply secret = console.call("POST", "/apps/redis/defaults", {{"values", {{"auth", {{"password", "long-enough-pass-1"}}}}}});
  EXPECT_EQ(secret.body["auth"]["password"], "********");
}

TEST_P(ConsoleApiTest, ListingFiltersAndPages) {
  for (const char* name : {"a", "b", "c"})
    deploy_and_wait(std::string("/releases/local/shop/") + name + "/deploy", deploy_body(jetty_values()));
  deploy_and_wait("/releases/local/pay/d/deploy", deploy_body(jetty_values()));
  Reply page1 = console.call("GET", "/releases?limit=2");
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.body["items"].size(), 2u);
  ASSERT_TRUE(page1.body["next"].is_string());
  Reply page2 = console.call("GET", "/releases?limit=2&after=" + page1.body["next"].get<std::string>());
  ASSERT_EQ(page2.body["items"].size(), 2u);
  EXPECT_TRUE(page2.body["next"].is_null());
  EXPECT_EQ(console.call("GET", "/releases?namespace=pay").body["items"].size(), 1u);
  EXPECT_EQ(console.call("GET", "/releases?q=B").body["items"].size(), 1u);
  EXPECT_EQ(console.call("GET", "/releases?status=failed").body["items"].size(), 0u);
  EXPECT_EQ(console.call("GET", "/releases?status=bogus").status, 422);
  EXPECT_EQ(console.call("GET", "/releases?limit=0").status, 422);
  EXPECT_EQ(console.call("GET", "/releases?after=garbage").status, 422);
}

TEST_P(ConsoleApiTest, ClustersAndAppsAndHealth) {
  Reply clusters = console.call("GET", "/clusters");
  ASSERT_EQ(clusters.status, 200);
  ASSERT_EQ(clusters.body.size(), 1u);
  EXPECT_EQ(clusters.body[0]["name"], "local");
  EXPECT_EQ(clusters.body[0]["kind"], "gitops");
  EXPECT_EQ(clusters.body[0]["reachable"], true);
  Reply app = console.call("GET", "/apps/jetty");
  EXPECT_TRUE(app.body["schema"].is_object());
  EXPECT_EQ(http::get(console.base() + "/readyz").status, 200);
  deploy_and_wait(kWeb + "/deploy", deploy_body(jetty_values()));
  auto metrics = http::get(console.base() + "/metrics");
  EXPECT_NE(metrics.body.find("pier_console_operations_total{kind=\"install\",status=\"succeeded\"} 1"),
            std::string::npos) << metrics.body;
}

TEST_P(ConsoleApiTest, MalformedBodiesAre400) {
  http::ClientRequest request;
  request.method = "POST";
  request.url = console.base() + "/api/v1" + kWeb + "/deploy";
  request.headers = {"Authorization: Bearer " + console.admin_token()};
  request.body = "{\"app\": ";
  auto response = http::send(request);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("line 1"), std::string::npos) << response.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsoleApiTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "sqlite" : "postgres"; });

}  // namespace
}  // namespace pier::console::testing
