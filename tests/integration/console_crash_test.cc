// `pier serve` as a process: SIGKILL in the middle of a deploy, SIGTERM with
// a deploy running, and a PostgreSQL restart under requests. After each,
// the release's story is whole and the next deploy works.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.h"
#include "kube_double_fixture.h"
#include "postgres_server.h"
#include "support/serve_process.h"
#include "test_pki.h"

namespace pier {
namespace {

using nlohmann::json;
using release::testing::FakeDeploymentController;
namespace http = server::testing;

// `pier serve` as a process (tests/support/serve_process.h) with a short
// operation lease, and HTTP helpers that call it with its admin token.
class ConsoleProcess : public testing::ServeProcess {
 public:
  ConsoleProcess(std::filesystem::path dir, std::vector<std::string> extra)
      : ServeProcess(std::move(dir), with_short_lease(std::move(extra))) {}

  void trust(std::string ca_pem) { ca_pem_ = std::move(ca_pem); }

  http::ClientResponse call(const std::string& method, const std::string& path, const json& body = nullptr) const {
    http::ClientRequest request{.method = method, .url = url() + "/api/v1" + path};
    request.headers.push_back("Authorization: Bearer " + admin_token());
    if (!body.is_null()) request.body = body.dump();
    request.ca_pem = ca_pem_;
    request.timeout_ms = 5000;
    return http::send(request);
  }

  json get(const std::string& path) const {
    auto response = call("GET", path);
    return response.status == 200 ? json::parse(response.body) : json();
  }

  // The deploy's operation id, once its objects are all applied.
  std::string deploy_and_wait_until_applied(const json& body) {
    auto started = call("POST", "/releases/double/shop/web/deploy", body);
    EXPECT_EQ(started.status, 202) << started.body;
    if (started.status != 202) return "";
    std::string id = json::parse(started.body)["operation"]["id"];
    for (int i = 0; i < 400; ++i) {
      if (call("GET", "/operations/" + id).body.find("applied 6/6") != std::string::npos) return id;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "the deploy did not apply its objects";
    return id;
  }

  json wait_until(const std::string& path, const std::string& field, const std::string& value,
                  std::chrono::seconds limit = std::chrono::seconds(15)) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    json last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = get(path);
      if (last.is_object() && last.value(field, "") == value) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << path << ": " << field << " never became " << value << "; last: " << last.dump();
    return last;
  }

 private:
  static std::vector<std::string> with_short_lease(std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--operation-lease", "1s"});
    return extra;
  }

  std::string ca_pem_;
};

std::filesystem::path temp_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() / ("pier-serve-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

const json kDeploy = {{"app", "jetty"},
                      {"values", {{"jetty", {{"image", "hello-web"}, {"version", "2.3.1"}}}}},
                      {"timeout_seconds", 300}};

class ServeCrashTest : public ::testing::Test {
 protected:
  ServeCrashTest() { api.put({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}}); }
  ~ServeCrashTest() override { std::filesystem::remove_all(dir); }

  testing::ApiServerDouble api;
  FakeDeploymentController controller{api, "shop", FakeDeploymentController::Behaviour::kNeverAvailable};
  std::filesystem::path dir = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
};

TEST_F(ServeCrashTest, AKillDuringADeployLeavesItInterruptedWithItsEventsAndTheNextDeployWorks) {
  ConsoleProcess serve(dir, {"--kubeconfig", api.kubeconfig_path()});
  ASSERT_NO_FATAL_FAILURE(serve.start());
  std::string id = serve.deploy_and_wait_until_applied(kDeploy);
  serve.kill_now();

  ASSERT_NO_FATAL_FAILURE(serve.start());
  json op = serve.wait_until("/operations/" + id, "status", "interrupted");
  std::string events = op["events"].dump();
  EXPECT_NE(events.find("applied 6/6"), std::string::npos) << events;
  json release = serve.wait_until("/releases/double/shop/web", "status", "interrupted");
  EXPECT_EQ(release["revision"], 1);

  json next = kDeploy;
  next["wait"] = false;
  auto started = serve.call("POST", "/releases/double/shop/web/deploy", next);
  ASSERT_EQ(started.status, 202) << started.body;
  std::string next_id = json::parse(started.body)["operation"]["id"];
  serve.wait_until("/operations/" + next_id, "status", "succeeded");
  EXPECT_EQ(serve.get("/releases/double/shop/web/revisions").size(), 2u);
}

TEST_F(ServeCrashTest, SigtermInterruptsARunningDeployAfterTheGraceAndExitsCleanly) {
  ConsoleProcess serve(dir, {"--kubeconfig", api.kubeconfig_path(), "--shutdown-grace", "300ms"});
  ASSERT_NO_FATAL_FAILURE(serve.start());
  std::string id = serve.deploy_and_wait_until_applied(kDeploy);
  EXPECT_EQ(serve.terminate(std::chrono::seconds(15)), 0);
  EXPECT_NE(serve.log().find("\"msg\":\"stopped\""), std::string::npos);

  ASSERT_NO_FATAL_FAILURE(serve.start());
  json op = serve.get("/operations/" + id);  // marked at shutdown: no lease to wait for
  EXPECT_EQ(op["status"], "interrupted") << op.dump();
  EXPECT_NE(op["events"].dump().find("\"interrupted\""), std::string::npos);
  EXPECT_EQ(serve.get("/releases/double/shop/web")["status"], "interrupted");
}

TEST(ServeTls, ServesHttpsWithTheGivenCertificateAndRefusesPlainHttp) {
  auto dir = temp_dir("tls");
  testing::TestPki pki;
  auto pair = pki.server();
  auto cert = testing::write_test_file(dir.string(), "tls.crt", pair.certificate_pem);
  auto key = testing::write_test_file(dir.string(), "tls.key", pair.key_pem);
  ConsoleProcess serve(dir, {"--no-kubeconfig", "--gitops", "local=" + (dir / "gitops").string(), "--tls-cert", cert,
                           "--tls-key", key});
  serve.trust(pki.ca_pem());
  ASSERT_NO_FATAL_FAILURE(serve.start());
  EXPECT_EQ(serve.call("GET", "/releases").status, 200);
  serve.trust(testing::TestPki("another-ca").ca_pem());
  EXPECT_EQ(serve.call("GET", "/releases").status, 0);  // verified: an unknown CA is refused
  EXPECT_EQ(serve.terminate(std::chrono::seconds(15)), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServePostgres, RequestsFailCleanlyWhilePostgresRestartsThenRecoverWithoutRestartingPier) {
  auto server = store::testing::PostgresServer::shared();
  ASSERT_TRUE(server) << server.error().describe();
  auto database = (*server)->create_database();
  ASSERT_TRUE(database) << database.error().describe();
  auto dir = temp_dir("postgres");
  ConsoleProcess serve(dir, {"--database", (*server)->url(*database), "--no-kubeconfig", "--gitops",
                           "local=" + (dir / "gitops").string()});
  ASSERT_NO_FATAL_FAILURE(serve.start());
  json body = {{"app", "jetty"}, {"values", {{"jetty", {{"image", "hello-web"}, {"version", "2.3.1"}}}}}};
  ASSERT_EQ(serve.call("POST", "/releases/local/shop/web/deploy", body).status, 202);

  std::atomic<bool> done{false};
  std::map<long, int> statuses;
  std::thread load([&] {
    for (int i = 0; i < 5000 && !done; ++i) {
      statuses[serve.call("GET", "/releases").status]++;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE((*server)->stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto during = serve.call("GET", "/releases");
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_NE(during.body.find("\"error\""), std::string::npos);
  ASSERT_TRUE((*server)->start_again());
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    recovered = serve.call("GET", "/releases").status == 200;
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  load.join();
  EXPECT_TRUE(recovered);
  for (const auto& [status, count] : statuses)
    EXPECT_TRUE(status == 200 || status == 503) << count << " answers with status " << status;
  EXPECT_GT(statuses[503], 0);
  EXPECT_EQ(serve.get("/releases/local/shop/web")["status"], "deployed");
  EXPECT_EQ(serve.terminate(std::chrono::seconds(15)), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pier
