// `pier serve` as a process: SIGKILL in the middle of a deploy, SIGTERM with
// a deploy running, and a PostgreSQL restart under requests. After each,
// the release's story is whole and the next deploy works.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.h"
#include "kube_double_fixture.h"
#include "postgres_server.h"
#include "test_pki.h"

namespace pier {
namespace {

using nlohmann::json;
using release::testing::FakeDeploymentController;
namespace http = server::testing;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One `pier serve` child process on a free port.
class ServeProcess {
 public:
  ServeProcess(std::filesystem::path dir, std::vector<std::string> extra) : dir_(std::move(dir)), extra_(std::move(extra)) {}
  ~ServeProcess() { kill_now(); }

  void trust(std::string ca_pem) { ca_pem_ = std::move(ca_pem); }

  void start() {
    std::filesystem::remove(dir_ / "serve.out");
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string out = (dir_ / "serve.out").string(), err = (dir_ / "serve.log").string();
      FILE* o = std::freopen(out.c_str(), "w", stdout);
      FILE* e = std::freopen(err.c_str(), "a", stderr);
      (void)o;
      (void)e;
      std::vector<std::string> args = {PIER_BINARY, "serve", "--listen", "127.0.0.1:0", "--data-dir", (dir_ / "data").string(),
                                       "--catalog", PIER_SOURCE_DIR "/catalog", "--operation-lease", "1s"};
      args.insert(args.end(), extra_.begin(), extra_.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(PIER_BINARY, argv.data());
      std::_Exit(127);
    }
    std::regex url(R"(pier console: (https?://127\.0\.0\.1:\d+)/)");
    for (int i = 0; i < 200; ++i) {
      std::smatch m;
      std::string text = slurp(dir_ / "serve.out");
      if (std::regex_search(text, m, url)) {
        base_ = m[1].str() + "/api/v1";
        token_ = slurp(dir_ / "data" / "admin.token");
        while (!token_.empty() && token_.back() == '\n') token_.pop_back();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "pier serve did not start: " << slurp(dir_ / "serve.log");
  }

  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // SIGTERM; the exit status, or -1 when it did not stop within `limit`.
  int terminate(std::chrono::seconds limit) {
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  http::ClientResponse call(const std::string& method, const std::string& path, const json& body = nullptr) const {
    http::ClientRequest request{.method = method, .url = base_ + path};
    request.headers.push_back("Authorization: Bearer " + token_);
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
  std::filesystem::path dir_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  std::string base_;
  std::string token_;
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
  ServeProcess serve(dir, {"--kubeconfig", api.kubeconfig_path()});
  serve.start();
  std::string id = serve.deploy_and_wait_until_applied(kDeploy);
  serve.kill_now();

  serve.start();
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
  ServeProcess serve(dir, {"--kubeconfig", api.kubeconfig_path(), "--shutdown-grace", "300ms"});
  serve.start();
  std::string id = serve.deploy_and_wait_until_applied(kDeploy);
  EXPECT_EQ(serve.terminate(std::chrono::seconds(15)), 0);
  EXPECT_NE(slurp(dir / "serve.log").find("\"msg\":\"stopped\""), std::string::npos);

  serve.start();
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
  ServeProcess serve(dir, {"--no-kubeconfig", "--gitops", "local=" + (dir / "gitops").string(), "--tls-cert", cert,
                           "--tls-key", key});
  serve.trust(pki.ca_pem());
  serve.start();
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
  ServeProcess serve(dir, {"--database", (*server)->url(*database), "--no-kubeconfig", "--gitops",
                           "local=" + (dir / "gitops").string()});
  serve.start();
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
