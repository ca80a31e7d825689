// `pier deploy`, `releases`, `history`, `diff` and `rollback` as a user runs
// them, against the console API double (tests/support/console_api_double.h):
// requests, output, exit statuses, and the token kept out of everything printed.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "console_api_double.h"
#include "run_pier.h"
#include "test_pki.h"

namespace pier::cli {
namespace {

using nlohmann::json;
using pier::testing::ConsoleApiDouble;
using pier::testing::sample_diff;
using pier::testing::sample_event;
using pier::testing::sample_operation;
using pier::testing::sample_release;
using pier::testing::sample_revision;
using server::Request;
using server::Response;
using server::SseStream;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PierRun;

const std::string kToken(ConsoleApiDouble::kToken);

// The environment of the pier processes: the token, UTC, no colour; nothing
// of the developer's own PIER_SERVER or PIER_TOKEN.
class ScopedEnvironment {
 public:
  void set(const char* name, const std::string& value) {
    remember(name);
    ::setenv(name, value.c_str(), 1);
  }
  void unset(const char* name) {
    remember(name);
    ::unsetenv(name);
  }
  ~ScopedEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

 private:
  void remember(const char* name) {
    for (const auto& entry : saved_)
      if (entry.first == name) return;
    const char* value = std::getenv(name);
    saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class ConsoleCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    environment_.unset("PIER_SERVER");
    environment_.set("PIER_TOKEN", kToken);
    environment_.set("TZ", "UTC");
    dir_ = std::filesystem::temp_directory_path() / ("pier-console-cli-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void start() { ASSERT_TRUE(api_.start()); }
  PierRun pier(const std::string& args) { return testing::run_pier(args + " --server " + api_.url()); }
  std::string file(const std::string& name, const std::string& text) {
    return pier::testing::write_test_file(dir_.string(), name, text);
  }

  // POST .../deploy and .../rollback: a dry run answers the sample diff; otherwise
  // operation 42 (events 42 succeed) or, for the app "failing", operation 43.
  void add_change_routes() {
    auto answer = [](const Request& request) {
      auto body = request.json_body();
      if (!body) return Response::error(body.error(), 400);
      if (body->value("dry_run", false)) return Response::json(200, sample_diff());
      std::string id = body->value("app", "") == "failing" ? "43" : "42";
      return Response::json(
          202, {{"operation", sample_operation(id, "running")}, {"revision", sample_revision(4, "pending")}});
    };
    api_.post("/api/v1/releases/{cluster}/{namespace}/{name}/deploy", answer);
    api_.post("/api/v1/releases/{cluster}/{namespace}/{name}/rollback", answer);
    api_.stream("/api/v1/operations/{id}/events",
                [](const Request& request, std::shared_ptr<SseStream> stream) -> std::optional<Response> {
                  std::string id(request.param("id"));
                  stream->send("validated", "1", sample_event(1, "validated", "validated"));
                  stream->send("applied", "2", sample_event(2, "applied", "applied 1/1: Deployment shop/web"));
                  if (id == "42") {
                    stream->send("done", "3", sample_event(3, "done", "deployed revision 4"));
                    stream->send("end", "", sample_operation(id, "succeeded", "deployed revision 4"));
                  } else {
                    json failed = sample_event(3, "failed", "failed: rollout of Deployment shop/web timed out");
                    failed["details"] = {{{"location", "pod web-1"}, {"message", "CrashLoopBackOff"}}};
                    stream->send("failed", "3", failed);
                    stream->send("end", "", sample_operation(id, "failed", "rollout of Deployment shop/web timed out"));
                  }
                  stream->close();
                  return std::nullopt;
                });
  }

  json posted_body(std::string_view prefix) {
    auto requests = api_.requests_to(prefix);
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? json() : json::parse(requests[0].body);
  }

  ScopedEnvironment environment_;
  ConsoleApiDouble api_;
  std::filesystem::path dir_;
};

TEST_F(ConsoleCommands, ReleasesFollowsEveryPageIntoOneTable) {
  api_.get("/api/v1/releases", [](const Request& request) {
    if (!request.query_value("after"))
      return Response::json(200, {{"items", {sample_release("prod", "web", 4)}}, {"next", "page2"}});
    json running = sample_release("prod", "api", 2);
    running["status"] = "pending";
    running["active_operation"] = sample_operation("45", "running");
    return Response::json(200, {{"items", {running}}, {"next", nullptr}});
  });
  start();
  auto run = pier("releases --cluster prod --app jetty --status deployed -q we");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "CLUSTER   NAMESPACE   NAME   REVISION   APP     VERSION   STATUS                      UPDATED\n"
      "prod      shop        web    4          jetty   1.4.4     deployed                    2026-11-29 14:06:40\n"
      "prod      shop        api    2          jetty   1.4.2     pending (upgrade running)   2026-11-29 14:06:40\n");
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/api/v1/releases?cluster=prod&app=jetty&status=deployed&q=we&limit=500");
  EXPECT_EQ(requests[1].target, "/api/v1/releases?cluster=prod&app=jetty&status=deployed&q=we&limit=500&after=page2");

  auto as_json = pier("releases -o json");
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  auto parsed = json::parse(as_json.out);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1]["active_operation"]["id"], "45");
}

TEST_F(ConsoleCommands, ReleasesWithNothingToShow) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::json(200, {{"items", json::array()}}); });
  start();
  auto run = pier("releases");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr("no releases found"));
  auto bad_status = pier("releases --status broken");
  EXPECT_EQ(bad_status.status, 2);
}

TEST_F(ConsoleCommands, HistoryNewestFirst) {
  api_.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions", [](const Request& request) {
    if (request.param("name") != "web")
      return Response::error(
          Error::not_found("release prod/shop/" + std::string(request.param("name")) + " not found"));
    return Response::json(200, {sample_revision(2, "failed"), sample_revision(1, "superseded")});
  });
  start();
  auto run = pier("history web --cluster prod -n shop");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "REVISION   STATUS       APP     VERSION   USER    CREATED               MESSAGE/DETAIL\n"
            "2          failed       jetty   1.4.2     alice   2026-11-29 14:05:01   revision 2; rollout timed out\n"
            "1          superseded   jetty   1.4.1     alice   2026-11-29 14:05:01   revision 1\n");

  auto as_json = pier("history web --cluster prod -n shop -o json");
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out)[0]["revision"], 2);

  auto missing = pier("history 'we b' --cluster prod -n shop");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "pier: error: release prod/shop/we b not found\n");
  EXPECT_EQ(api_.requests().back().target, "/api/v1/releases/prod/shop/we%20b/revisions");

  auto no_namespace = pier("history web --cluster prod");
  EXPECT_EQ(no_namespace.status, 2);
}

TEST_F(ConsoleCommands, DiffBetweenTwoRevisions) {
  api_.get("/api/v1/releases/{cluster}/{namespace}/{name}/diff",
           [](const Request&) { return Response::json(200, sample_diff()); });
  start();
  auto run = pier("diff web 3 4 --cluster prod -n shop");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(api_.requests().at(0).target, "/api/v1/releases/prod/shop/web/diff?from=3&to=4");
  EXPECT_THAT(run.out, HasSubstr("objects: 1 added, 1 changed, 0 removed, 1 unchanged\nvalues: /jetty/replicas\n"));
  EXPECT_THAT(run.out, HasSubstr("\nchanged: Deployment shop/web\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));  // not a terminal: no colour

  auto as_json = pier("diff web 3 4 --cluster prod -n shop -o json");
  ASSERT_EQ(as_json.status, 0);
  EXPECT_EQ(json::parse(as_json.out), sample_diff());
  EXPECT_EQ(pier("diff web 0 4 --cluster prod -n shop").status, 2);
}

TEST_F(ConsoleCommands, DeployDryRunMergesTheValuesFilesAndPrintsTheDiff) {
  add_change_routes();
  start();
  std::string base = file("base.yaml", "jetty:\n  replicas: 2\n  image: jetty:12\n");
  std::string prod = file("prod.json", R"({"jetty": {"replicas": 4}})");
  auto run = pier("deploy jetty --cluster prod -n shop --name web -f " + base + " -f " + prod + " --dry-run");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("dry run of deploy prod/shop/web (nothing was changed):\n"
                                 "objects: 1 added, 1 changed, 0 removed, 1 unchanged\n"));
  EXPECT_THAT(run.out, HasSubstr("+  replicas: 4\n"));
  EXPECT_EQ(posted_body("/api/v1/releases/prod/shop/web/deploy"),
            json::parse(R"({"app": "jetty", "values": {"jetty": {"replicas": 4, "image": "jetty:12"}}, "dry_run": true,
                            "wait": false, "timeout_seconds": 300, "force_conflicts": false, "auto_rollback": false})"));
  EXPECT_TRUE(api_.requests_to("/api/v1/operations").empty());
}

TEST_F(ConsoleCommands, DeployFollowsTheOperationToItsEnd) {
  add_change_routes();
  start();
  auto run = pier(
      "deploy jetty --cluster prod -n shop --name web --preset large --team shop -m 'more replicas' --wait "
      "--timeout 90s --force-conflicts --auto-rollback");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "revision 4 of prod/shop/web: operation 42\n"
            "  14:05:01  validated\n"
            "  14:05:02  applied 1/1: Deployment shop/web\n"
            "  14:05:03  deployed revision 4\n"
            "operation 42 succeeded\n");
  EXPECT_EQ(posted_body("/api/v1/releases/prod/shop/web/deploy"),
            json::parse(R"({"app": "jetty", "preset": "large", "team": "shop", "values": {}, "message": "more replicas",
                            "dry_run": false, "wait": true, "timeout_seconds": 90, "force_conflicts": true,
                            "auto_rollback": true})"));
  auto follows = api_.requests_to("/api/v1/operations/42/events");
  ASSERT_EQ(follows.size(), 1u);
  EXPECT_EQ(follows[0].accept, "text/event-stream");
}

TEST_F(ConsoleCommands, AFailedDeployExitsOneWithItsDetails) {
  add_change_routes();
  start();
  auto run = pier("deploy failing --cluster prod -n shop --name web");
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr("  14:05:03  failed: rollout of Deployment shop/web timed out\n"
                                 "              pod web-1: CrashLoopBackOff\n"
                                 "operation 43 failed: rollout of Deployment shop/web timed out\n"));
}

TEST_F(ConsoleCommands, DeployDetachedDoesNotFollow) {
  add_change_routes();
  start();
  auto run = pier("deploy jetty --cluster prod -n shop --name web --detach");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("revision 4 of prod/shop/web: operation 42\n"));
  EXPECT_TRUE(api_.requests_to("/api/v1/operations").empty());
}

TEST_F(ConsoleCommands, RefusedValuesListEveryProblemWithExitTwo) {
  api_.post("/api/v1/releases/{cluster}/{namespace}/{name}/deploy", [](const Request&) {
    return Response::error(422, "values do not match the schema of jetty 1.4.0",
                           {{"/jetty/replicas", "must be >= 1"}, {"/jetty/image", "is required"}});
  });
  start();
  auto run = pier("deploy jetty --cluster prod -n shop --name web");
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err,
            "pier: error: values do not match the schema of jetty 1.4.0\n"
            "  /jetty/replicas: must be >= 1\n"
            "  /jetty/image: is required\n");
  EXPECT_EQ(run.out, "");
}

TEST_F(ConsoleCommands, ABusyReleaseIsAConflict) {
  api_.post("/api/v1/releases/{cluster}/{namespace}/{name}/deploy", [](const Request&) {
    return Response::error(409, "release prod/shop/web is being upgraded by bob (operation 41)");
  });
  start();
  auto run = pier("deploy jetty --cluster prod -n shop --name web");
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "pier: error: release prod/shop/web is being upgraded by bob (operation 41)\n");
}

TEST_F(ConsoleCommands, AMalformedValuesFileStopsBeforeAnyRequest) {
  add_change_routes();
  start();
  std::string bad = file("bad.yaml", "jetty:\n  replicas: [2\n");
  auto run = pier("deploy jetty --cluster prod -n shop --name web -f " + bad);
  EXPECT_EQ(run.status, 2);
  EXPECT_THAT(run.err, HasSubstr(bad + ":"));
  EXPECT_TRUE(api_.requests().empty());
  auto bad_timeout = pier("deploy jetty --cluster prod -n shop --name web --timeout soon");
  EXPECT_EQ(bad_timeout.status, 2);
  EXPECT_THAT(bad_timeout.err, HasSubstr("--timeout"));
}

TEST_F(ConsoleCommands, RollbackSendsTheRevisionAndFollows) {
  add_change_routes();
  start();
  auto run = pier("rollback web 3 --cluster prod -n shop --wait --timeout 2m -m 'revision 4 crashes'");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("operation 42 succeeded\n"));
  EXPECT_EQ(posted_body("/api/v1/releases/prod/shop/web/rollback"),
            json::parse(R"({"revision": 3, "message": "revision 4 crashes", "dry_run": false, "wait": true,
                            "timeout_seconds": 120})"));
  auto dry = pier("rollback web 3 --cluster prod -n shop --dry-run");
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("dry run of rollback prod/shop/web (nothing was changed):\n"));
}

TEST_F(ConsoleCommands, TheTokenComesFromTheFlagsOrTheEnvironmentAndIsNeverPrinted) {
  api_.get("/api/v1/releases/{cluster}/{namespace}/{name}/revisions", [](const Request& request) {
    std::string sent(request.header("Authorization").value_or(""));
    return Response::error(403, "you sent " + sent);
  });
  start();
  std::string token_file = file("token", kToken + "\n");
  environment_.unset("PIER_TOKEN");
  auto from_file = pier("history web --cluster prod -n shop --token-file " + token_file);
  EXPECT_EQ(from_file.status, 1);
  EXPECT_EQ(from_file.err, "pier: error: you sent Bearer (token)\n");
  EXPECT_EQ(api_.requests().back().authorization, "Bearer " + kToken);

  auto without = pier("history web --cluster prod -n shop");
  EXPECT_EQ(without.status, 1);
  EXPECT_THAT(without.err, HasSubstr("no token was given"));

  environment_.set("PIER_TOKEN", "wrong-token-from-env");
  auto flag_wins = pier("history web --cluster prod -n shop --token-file " + token_file);
  EXPECT_EQ(api_.requests().back().authorization, "Bearer " + kToken);
  EXPECT_THAT(flag_wins.err + flag_wins.out, Not(HasSubstr(kToken)));

  auto both = pier("history web --cluster prod -n shop --token x --token-file " + token_file);
  EXPECT_EQ(both.status, 2);
}

TEST_F(ConsoleCommands, TheServerComesFromTheEnvironmentWhenNotGiven) {
  api_.get("/api/v1/releases", [](const Request&) { return Response::json(200, {{"items", json::array()}}); });
  start();
  environment_.set("PIER_SERVER", api_.url());
  auto run = testing::run_pier("releases");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(ConsoleCommands, NoConsoleListening) {
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  auto run = testing::run_pier("releases --server " + url);
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "pier: error: cannot connect to " + url + ": connection refused (is pier serve running there?)\n");
  auto not_http = testing::run_pier("releases --server pier.example:8080");
  EXPECT_EQ(not_http.status, 2);
  EXPECT_THAT(not_http.err, HasSubstr("expected http://HOST:PORT"));
}

}  // namespace
}  // namespace pier::cli
