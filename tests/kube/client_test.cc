#include "kube/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discovery_fixture.h"
#include "fake_transport.h"

namespace pier::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::FakeTransport;
using testing::status_body;

const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const GroupVersionKind kService{"", "v1", "Service"};

nlohmann::json deployment(std::string name, std::string rv = "1", bool with_type = true) {
  nlohmann::json d = {{"metadata", {{"name", name}, {"namespace", "web"}, {"resourceVersion", rv}}},
                      {"spec", {{"replicas", 2}}}};
  if (with_type) {
    d["apiVersion"] = "apps/v1";
    d["kind"] = "Deployment";
  }
  return d;
}

nlohmann::json deployment_list(std::vector<nlohmann::json> items, std::string rv, std::string next) {
  nlohmann::json metadata = {{"resourceVersion", rv}};
  if (!next.empty()) metadata["continue"] = next;
  return {{"kind", "DeploymentList"}, {"apiVersion", "apps/v1"}, {"metadata", metadata}, {"items", items}};
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() { testing::serve_discovery(*fake_); }
  std::shared_ptr<FakeTransport> fake_ = std::make_shared<FakeTransport>();
  Client client_{fake_, "test"};
};

// ---- reads ----------------------------------------------------------------

TEST_F(ClientTest, GetFillsTypeAndUsesTheObjectPath) {
  fake_->on("GET", "/apis/apps/v1/namespaces/web/deployments/jetty", 200, deployment("jetty", "5", false));
  auto d = client_.get(kDeployment, "web", "jetty");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)["apiVersion"], "apps/v1");
  EXPECT_EQ((*d)["kind"], "Deployment");
  EXPECT_EQ((*d)["metadata"]["resourceVersion"], "5");
}

TEST_F(ClientTest, GetNotFound) {
  fake_->on("GET", "/apis/apps/v1/namespaces/web/deployments/jetty", 404,
            status_body(404, "NotFound", "deployments.apps \"jetty\" not found",
                        {{"name", "jetty"}, {"group", "apps"}, {"kind", "deployments"}}));
  auto d = client_.get(kDeployment, "web", "jetty");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(d.error().retry, Retry::kNo);
  EXPECT_EQ(d.error().message, "context test: get apps/v1 Deployment web/jetty: deployments.apps \"jetty\" not found");
}

TEST_F(ClientTest, GetOfAnUnservedKind) {
  auto d = client_.get({"example.com", "v1", "Widget"}, "web", "w");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(d.error().message, HasSubstr("context test: get example.com/v1 Widget w: the server does not serve"));
}

TEST_F(ClientTest, ListFollowsContinueAndFillsTypes) {
  const std::string base = "/apis/apps/v1/namespaces/web/deployments";
  fake_->on("GET", base + "?labelSelector=app%3Djetty&limit=2", 200,
            deployment_list({deployment("a", "1", false), deployment("b", "2", false)}, "10", "token1"));
  fake_->on("GET", base + "?labelSelector=app%3Djetty&limit=2&continue=token1", 200,
            deployment_list({deployment("c", "3", false), deployment("d", "4", false)}, "10", "token%2"));
  fake_->on("GET", base + "?labelSelector=app%3Djetty&limit=2&continue=token%252", 200,
            deployment_list({deployment("e", "5", false)}, "10", ""));
  auto list = client_.list(kDeployment, "web", {.label_selector = "app=jetty", .page_size = 2});
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->items.size(), 5u);
  for (const auto& item : list->items) {
    EXPECT_EQ(item["apiVersion"], "apps/v1");
    EXPECT_EQ(item["kind"], "Deployment");
  }
  EXPECT_EQ(list->items[4]["metadata"]["name"], "e");
  EXPECT_EQ(list->resource_version, "10");
  EXPECT_EQ(fake_->requests_for("GET", base).size(), 3u);
}

TEST_F(ClientTest, ListSendsResourceVersionOnlyOnTheFirstPage) {
  const std::string base = "/api/v1/services";
  fake_->on("GET", base + "?limit=500&resourceVersion=0", 200,
            nlohmann::json{{"metadata", {{"resourceVersion", "7"}, {"continue", "t"}}}, {"items", nlohmann::json::array()}});
  fake_->on("GET", base + "?limit=500&continue=t", 200,
            nlohmann::json{{"metadata", {{"resourceVersion", "7"}}}, {"items", {{{"metadata", {{"name", "x"}}}}}}});
  auto list = client_.list(kService, "", {.resource_version = "0"});
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["kind"], "Service");
}

TEST_F(ClientTest, ListWhoseContinueTokenExpiredFallsBackToOneFullList) {
  const std::string base = "/apis/apps/v1/namespaces/web/deployments";
  fake_->on("GET", base + "?limit=1", 200, deployment_list({deployment("a")}, "10", "old"));
  fake_->on("GET", base + "?limit=1&continue=old", 410,
            status_body(410, "Expired", "The provided continue parameter is too old to display a consistent list result."));
  fake_->on("GET", base, 200, deployment_list({deployment("a"), deployment("b")}, "12", ""));
  auto list = client_.list(kDeployment, "web", {.page_size = 1});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->items.size(), 2u);  // not a, a, b
  EXPECT_EQ(list->resource_version, "12");
}

TEST_F(ClientTest, ServerVersion) {
  fake_->on("GET", "/version", 200, {{"major", "1"}, {"minor", "35"}, {"gitVersion", "v1.35.0"}});
  auto version = client_.server_version();
  ASSERT_TRUE(version);
  EXPECT_EQ((*version)["gitVersion"], "v1.35.0");
}

// ---- writes ---------------------------------------------------------------

TEST_F(ClientTest, ApplyIsAServerSidePatch) {
  const std::string path = "/apis/apps/v1/namespaces/web/deployments/jetty";
  fake_->on("PATCH", path, 200, deployment("jetty", "6"));
  auto object = deployment("jetty");
  object["metadata"].erase("resourceVersion");
  ASSERT_TRUE(client_.apply(object));
  ASSERT_TRUE(client_.apply(object, {.force = true}));
  ASSERT_TRUE(client_.apply(object, {.field_manager = "pier-lb", .dry_run = true}));

  auto sent = fake_->requests_for("PATCH", path);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].path, path + "?fieldManager=pier");
  EXPECT_EQ(sent[1].path, path + "?fieldManager=pier&force=true");
  EXPECT_EQ(sent[2].path, path + "?fieldManager=pier-lb&dryRun=All");
  for (const auto& request : sent) {
    EXPECT_EQ(request.content_type, "application/apply-patch+yaml");
    EXPECT_TRUE(request.idempotent);
    EXPECT_EQ(nlohmann::json::parse(request.body), object);  // JSON, which YAML readers take as it is
  }
}

TEST_F(ClientTest, ApplyNeedsANamespaceForNamespacedKinds) {
  auto object = deployment("jetty");
  object["metadata"].erase("namespace");
  auto applied = client_.apply(object);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(applied.error().message, HasSubstr("needs metadata.namespace"));
  EXPECT_TRUE(fake_->requests_for("PATCH", "/apis/apps/v1/deployments/jetty").empty());
}

TEST_F(ClientTest, ApplyOfAClusterScopedKind) {
  fake_->on("PATCH", "/api/v1/namespaces/shop", 200, {{"metadata", {{"name", "shop"}}}});
  auto applied = client_.apply({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}});
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ((*applied)["kind"], "Namespace");
}

TEST_F(ClientTest, CreatePostsToTheCollection) {
  const std::string collection = "/apis/apps/v1/namespaces/web/deployments";
  fake_->on("POST", collection, 201, deployment("jetty"));
  ASSERT_TRUE(client_.create(deployment("jetty")));
  ASSERT_TRUE(client_.create(deployment("jetty"), /*dry_run=*/true));
  auto sent = fake_->requests_for("POST", collection);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].path, collection);
  EXPECT_EQ(sent[1].path, collection + "?dryRun=All");
  EXPECT_EQ(sent[0].content_type, "application/json");
  EXPECT_FALSE(sent[0].idempotent);
}

TEST_F(ClientTest, CreateWithGenerateName) {
  fake_->on("POST", "/api/v1/namespaces/web/configmaps", 201, {{"metadata", {{"name", "x-abcde"}}}});
  auto created = client_.create(
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"generateName", "x-"}, {"namespace", "web"}}}});
  ASSERT_TRUE(created) << created.error().message;
}

TEST_F(ClientTest, ReplaceAndReplaceStatus) {
  const std::string path = "/apis/apps/v1/namespaces/web/deployments/jetty";
  fake_->on("PUT", path, 200, deployment("jetty", "8"));
  fake_->on("PUT", path + "/status", 200, deployment("jetty", "9"));
  ASSERT_TRUE(client_.replace(deployment("jetty", "7")));
  ASSERT_TRUE(client_.replace_status(deployment("jetty", "8")));
  EXPECT_EQ(fake_->requests_for("PUT", path).size(), 1u);
  auto status = fake_->requests_for("PUT", path + "/status");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].idempotent);  // carries a resourceVersion

  nlohmann::json sts = {{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"},
                        {"metadata", {{"name", "db"}, {"namespace", "web"}}}};
  auto no_status = client_.replace_status(sts);
  ASSERT_FALSE(no_status);
  EXPECT_EQ(no_status.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(no_status.error().message, HasSubstr("statefulsets has no status subresource"));
}

TEST_F(ClientTest, ReplaceConflict) {
  fake_->on("PUT", "/apis/apps/v1/namespaces/web/deployments/jetty", 409,
            status_body(409, "Conflict",
                        "Operation cannot be fulfilled on deployments.apps \"jetty\": the object has been modified; "
                        "please apply your changes to the latest version and try again"));
  auto replaced = client_.replace(deployment("jetty", "3"));
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().code, ErrorCode::kConflict);
  EXPECT_THAT(replaced.error().message, HasSubstr("replace apps/v1 Deployment web/jetty: Operation cannot be fulfilled"));
}

TEST_F(ClientTest, RemoveSendsDeleteOptions) {
  const std::string path = "/apis/apps/v1/namespaces/web/deployments/jetty";
  fake_->on("DELETE", path, 200, status_body(200, "", ""));
  ASSERT_TRUE(client_.remove(kDeployment, "web", "jetty"));
  ASSERT_TRUE(client_.remove(kDeployment, "web", "jetty",
                             {.propagation_policy = "Foreground", .dry_run = true, .precondition_resource_version = "4"}));
  auto sent = fake_->requests_for("DELETE", path);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(sent[0].body),
            (nlohmann::json{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Background"}}));
  EXPECT_EQ(nlohmann::json::parse(sent[1].body),
            (nlohmann::json{{"kind", "DeleteOptions"},
                            {"apiVersion", "v1"},
                            {"propagationPolicy", "Foreground"},
                            {"dryRun", {"All"}},
                            {"preconditions", {{"resourceVersion", "4"}}}}));
  EXPECT_EQ(sent[0].content_type, "application/json");
  EXPECT_FALSE(sent[0].idempotent);
  EXPECT_TRUE(sent[1].idempotent);
}

// ---- Status -> Error --------------------------------------------------------

TEST_F(ClientTest, ApplyConflictListsEachFieldAndItsManager) {
  nlohmann::json details = {
      {"name", "jetty"},
      {"group", "apps"},
      {"kind", "deployments"},
      {"causes",
       {{{"reason", "FieldManagerConflict"},
         {"message", "conflict with \"kubectl-client-side-apply\" using apps/v1"},
         {"field", ".spec.replicas"}},
        {{"reason", "FieldManagerConflict"},
         {"message", "conflict with \"hpa-controller\" using autoscaling/v2"},
         {"field", ".spec.template.spec.containers[name=\"jetty\"].resources"}}}}};
  fake_->on("PATCH", "/apis/apps/v1/namespaces/web/deployments/jetty", 409,
            status_body(409, "Conflict",
                        "Apply failed with 2 conflicts: conflict with \"kubectl-client-side-apply\" using apps/v1: "
                        ".spec.replicas",
                        details));
  auto applied = client_.apply(deployment("jetty"));
  ASSERT_FALSE(applied);
  const Error& e = applied.error();
  EXPECT_EQ(e.code, ErrorCode::kConflict);
  EXPECT_EQ(e.retry, Retry::kNo);
  EXPECT_THAT(e.message, HasSubstr("context test: apply apps/v1 Deployment web/jetty: Apply failed with 2 conflicts"));
  EXPECT_THAT(e.message, HasSubstr("--force-conflicts"));
  ASSERT_EQ(e.details.size(), 2u);
  EXPECT_EQ(e.details[0].location, ".spec.replicas");
  EXPECT_EQ(e.details[0].message, "conflict with \"kubectl-client-side-apply\" using apps/v1");
  EXPECT_EQ(e.details[1].location, ".spec.template.spec.containers[name=\"jetty\"].resources");
  EXPECT_THAT(e.describe(), HasSubstr("\n  .spec.replicas: conflict with \"kubectl-client-side-apply\""));
}

TEST_F(ClientTest, InvalidObjectListsEachCause) {
  nlohmann::json details = {{"name", "jetty"},
                            {"group", "apps"},
                            {"kind", "Deployment"},
                            {"causes",
                             {{{"reason", "FieldValueInvalid"},
                               {"message", "Invalid value: -1: must be greater than or equal to 0"},
                               {"field", "spec.replicas"}},
                              {{"reason", "FieldValueRequired"},
                               {"message", "Required value"},
                               {"field", "spec.selector"}}}}};
  fake_->on("PATCH", "/apis/apps/v1/namespaces/web/deployments/jetty", 422,
            status_body(422, "Invalid", "Deployment.apps \"jetty\" is invalid: [spec.replicas: Invalid value: -1, ...]",
                        details));
  auto applied = client_.apply(deployment("jetty"));
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(exit_code_for(applied.error()), 2);
  ASSERT_EQ(applied.error().details.size(), 2u);
  EXPECT_EQ(applied.error().details[0].location, "spec.replicas");
  EXPECT_EQ(applied.error().details[0].message, "Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(applied.error().details[1].location, "spec.selector");
  EXPECT_THAT(applied.error().message, Not(HasSubstr("--force-conflicts")));
}

TEST_F(ClientTest, UnauthorizedHintsAtTheCredentials) {
  fake_->on("GET", "/apis/apps/v1/namespaces/web/deployments/jetty", 401, status_body(401, "Unauthorized", "Unauthorized"));
  auto d = client_.get(kDeployment, "web", "jetty");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kDenied);
  EXPECT_EQ(d.error().retry, Retry::kNo);
  EXPECT_THAT(d.error().message, HasSubstr("context test: get apps/v1 Deployment web/jetty: Unauthorized"));
  EXPECT_THAT(d.error().message, HasSubstr("token is expired or invalid"));
  EXPECT_THAT(d.error().message, HasSubstr("client certificate"));
}

TEST_F(ClientTest, ForbiddenNamesTheRbacVerbAndResource) {
  fake_->on("PATCH", "/apis/apps/v1/namespaces/web/deployments/jetty", 403,
            status_body(403, "Forbidden",
                        "deployments.apps \"jetty\" is forbidden: User \"bob\" cannot patch resource \"deployments\" in "
                        "API group \"apps\" in the namespace \"web\"",
                        {{"name", "jetty"}, {"group", "apps"}, {"kind", "deployments"}}));
  auto applied = client_.apply(deployment("jetty"));
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::kDenied);
  EXPECT_THAT(applied.error().message, HasSubstr("User \"bob\" cannot patch"));
  EXPECT_THAT(applied.error().message,
              HasSubstr("RBAC must allow verb \"patch\" on \"deployments.apps\" in namespace web; check with: "
                        "kubectl auth can-i patch deployments.apps -n web"));
}

TEST_F(ClientTest, ForbiddenStatusUpdateNamesTheSubresource) {
  fake_->on("PUT", "/apis/apps/v1/namespaces/web/deployments/jetty/status", 403,
            status_body(403, "Forbidden", "forbidden", {{"name", "jetty"}, {"group", "apps"}, {"kind", "deployments"}}));
  auto replaced = client_.replace_status(deployment("jetty"));
  ASSERT_FALSE(replaced);
  EXPECT_THAT(replaced.error().message, HasSubstr("verb \"update\" on \"deployments.apps/status\""));
  EXPECT_THAT(replaced.error().message, HasSubstr("--subresource=status"));
}

TEST_F(ClientTest, ServerErrorsAreWorthRetrying) {
  fake_->on("GET", "/api/v1/namespaces/web/services/jetty", 500, status_body(500, "InternalError", "etcdserver: leader changed"));
  auto svc = client_.get(kService, "web", "jetty");
  ASSERT_FALSE(svc);
  EXPECT_EQ(svc.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(svc.error().retry, Retry::kYes);
  EXPECT_EQ(svc.error().message, "context test: get v1 Service web/jetty: etcdserver: leader changed");
}

TEST_F(ClientTest, NonStatusBodyFromAProxy) {
  HttpResponse html;
  html.status = 502;
  html.body = "<html>\n<head><title>502 Bad   Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>"
              "<hr><center>nginx</center></body></html>";
  fake_->on("GET", "/api/v1/namespaces/web/services/jetty", html);
  auto svc = client_.get(kService, "web", "jetty");
  ASSERT_FALSE(svc);
  EXPECT_EQ(svc.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(svc.error().message,
            "context test: get v1 Service web/jetty: HTTP 502 Bad Gateway, not a Kubernetes Status (a proxy in "
            "between?): 502 Bad Gateway");
}

TEST_F(ClientTest, TransportErrorsGetTheAttemptInFront) {
  fake_->on("GET", "/api/v1/namespaces/web/services/jetty",
            Error::make(ErrorCode::kUnavailable, "context test (https://fake:6443): connection refused", Retry::kYes));
  auto svc = client_.get(kService, "web", "jetty");
  ASSERT_FALSE(svc);
  EXPECT_EQ(svc.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(svc.error().message, "get v1 Service web/jetty: context test (https://fake:6443): connection refused");

  fake_->on("GET", "/api/v1/namespaces/web/services/other",
            Error::make(ErrorCode::kUnavailable, "connection refused", Retry::kYes));
  auto other = client_.get(kService, "web", "other");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "context test: get v1 Service web/other: connection refused");
}

TEST(ErrorFromResponseTest, MapsEachStatus) {
  struct Case {
    int status;
    ErrorCode code;
    Retry retry;
  };
  for (const Case& c : std::vector<Case>{{400, ErrorCode::kInvalidInput, Retry::kNo},
                                         {401, ErrorCode::kDenied, Retry::kNo},
                                         {403, ErrorCode::kDenied, Retry::kNo},
                                         {404, ErrorCode::kNotFound, Retry::kNo},
                                         {409, ErrorCode::kConflict, Retry::kNo},
                                         {410, ErrorCode::kConflict, Retry::kResync},
                                         {422, ErrorCode::kInvalidInput, Retry::kNo},
                                         {429, ErrorCode::kUnavailable, Retry::kYes},
                                         {500, ErrorCode::kUnavailable, Retry::kYes},
                                         {503, ErrorCode::kUnavailable, Retry::kYes}}) {
    HttpResponse response = testing::json_response(c.status, status_body(c.status, "Reason", "server says"));
    Error e = error_from_response(response, "prod-bj", "list v1 Pod in namespace web");
    EXPECT_EQ(e.code, c.code) << c.status;
    EXPECT_EQ(e.retry, c.retry) << c.status;
    EXPECT_THAT(e.message, HasSubstr("context prod-bj: list v1 Pod in namespace web: server says")) << c.status;
  }
  HttpResponse forbidden = testing::json_response(
      403, status_body(403, "Forbidden", "pods is forbidden", {{"group", ""}, {"kind", "pods"}}));
  EXPECT_THAT(error_from_response(forbidden, "prod-bj", "list v1 Pod").message,
              HasSubstr("RBAC must allow verb \"list\" on \"pods\""));
  HttpResponse empty;
  empty.status = 404;
  EXPECT_THAT(error_from_response(empty, "prod-bj", "get v1 Pod web/x").message,
              HasSubstr("HTTP 404 Not Found, not a Kubernetes Status (a proxy in between?): (empty body)"));
}

// ---- watch ----------------------------------------------------------------

std::string event_line(std::string type, const nlohmann::json& object) {
  return nlohmann::json{{"type", type}, {"object", object}}.dump() + "\n";
}

struct Recorded {
  std::vector<WatchEvent> events;
  std::function<bool(WatchEvent&&)> sink() {
    return [this](WatchEvent&& e) {
      events.push_back(std::move(e));
      return true;
    };
  }
};

TEST_F(ClientTest, WatchRequestAndEvents) {
  auto stream = fake_->add_watch_stream();
  stream->send(event_line("ADDED", deployment("a", "11", false)));
  stream->send(event_line("BOOKMARK", {{"kind", "Deployment"}, {"apiVersion", "apps/v1"},
                                       {"metadata", {{"resourceVersion", "12"}}}}));
  stream->send(event_line("DELETED", deployment("a", "13")));
  stream->end();
  Recorded recorded;
  auto result = client_.watch(kDeployment, "web",
                              {.resource_version = "10", .label_selector = "app=jetty", .timeout_seconds = 333},
                              recorded.sink(), {});
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(recorded.events.size(), 3u);
  EXPECT_EQ(recorded.events[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(recorded.events[0].object["kind"], "Deployment");  // filled in
  EXPECT_EQ(recorded.events[1].type, WatchEvent::Type::kBookmark);
  EXPECT_EQ(recorded.events[2].type, WatchEvent::Type::kDeleted);

  auto requests = fake_->watch_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path,
            "/apis/apps/v1/namespaces/web/deployments?watch=1&resourceVersion=10&allowWatchBookmarks=true"
            "&timeoutSeconds=333&labelSelector=app%3Djetty");
  EXPECT_GT(requests[0].timeout, std::chrono::seconds(333));  // silence is normal until the server's own timeout
}

TEST_F(ClientTest, WatchGoneAsHttpStatusMeansResync) {
  auto stream = fake_->add_watch_stream();
  stream->refuse(410, status_body(410, "Expired", "too old resource version: 10 (200)"));
  Recorded recorded;
  auto result = client_.watch(kDeployment, "web", {.resource_version = "10"}, recorded.sink(), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_EQ(result.error().retry, Retry::kResync);
  EXPECT_THAT(result.error().message, HasSubstr("watch apps/v1 Deployment in namespace web: too old resource version"));
}

TEST_F(ClientTest, WatchGoneAsErrorEventMeansResync) {
  auto stream = fake_->add_watch_stream();
  stream->send(event_line("ADDED", deployment("a", "11")));
  stream->send(event_line("ERROR", status_body(410, "Expired", "too old resource version: 10 (200)")));
  Recorded recorded;
  auto result = client_.watch(kDeployment, "", {.resource_version = "10"}, recorded.sink(), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_EQ(result.error().retry, Retry::kResync);
  EXPECT_THAT(result.error().message, HasSubstr("context test: watch apps/v1 Deployment in all namespaces"));
  EXPECT_EQ(recorded.events.size(), 1u);  // what came before the error was delivered
}

TEST_F(ClientTest, WatchCutMidEventDeliversNoHalfEvent) {
  auto stream = fake_->add_watch_stream();
  const std::string second = event_line("MODIFIED", deployment("b", "12"));
  stream->send(event_line("ADDED", deployment("a", "11")) + second.substr(0, 20));
  stream->cut();
  Recorded recorded;
  auto result = client_.watch(kDeployment, "web", {.resource_version = "10"}, recorded.sink(), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().retry, Retry::kYes);
  ASSERT_EQ(recorded.events.size(), 1u);
  EXPECT_EQ(recorded.events[0].object["metadata"]["name"], "a");
}

TEST_F(ClientTest, WatchEndingInsideAnEventIsAnError) {
  auto stream = fake_->add_watch_stream();
  stream->send(event_line("ADDED", deployment("a", "11")).substr(0, 30));
  stream->end();
  Recorded recorded;
  auto result = client_.watch(kDeployment, "web", {}, recorded.sink(), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().retry, Retry::kYes);
  EXPECT_THAT(result.error().message, HasSubstr("the stream ended inside an event"));
  EXPECT_TRUE(recorded.events.empty());
}

TEST_F(ClientTest, WatchStopsWhenTheHandlerSaysSo) {
  auto stream = fake_->add_watch_stream();
  stream->send(event_line("ADDED", deployment("a", "11")) + event_line("ADDED", deployment("b", "12")));
  int seen = 0;
  auto result = client_.watch(kDeployment, "web", {}, [&](WatchEvent&&) { return ++seen < 1; }, {});
  EXPECT_TRUE(result);
  EXPECT_EQ(seen, 1);
}

TEST_F(ClientTest, WatchForbidden) {
  auto stream = fake_->add_watch_stream();
  stream->refuse(403, status_body(403, "Forbidden", "deployments.apps is forbidden",
                                  {{"group", "apps"}, {"kind", "deployments"}}));
  auto result = client_.watch(kDeployment, "web", {}, [](WatchEvent&&) { return true; }, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kDenied);
  EXPECT_THAT(result.error().message, HasSubstr("kubectl auth can-i watch deployments.apps -n web"));
}

}  // namespace
}  // namespace pier::kube
