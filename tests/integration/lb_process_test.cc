// `pier lb` as a process: flags refused with exit 2, the keepalived
// dataplane against the API server double (keepalived.conf written,
// /metrics, /healthz, /readyz, a clean stop on SIGTERM that leaves the
// dataplane as it is), and the ipvs dataplane on a kernel without IPVS.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_server_double.h"
#include "http_client.h"
#include "support/closed_port.h"
#include "support/eventually.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pier::testing::eventually;

class LbProcess {
 public:
  LbProcess(const fs::path& dir, std::vector<std::string> args) : log_(dir / "lb.log") {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv{const_cast<char*>(PIER_BINARY), const_cast<char*>("lb")};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(PIER_BINARY, argv.data());
      ::_exit(127);
    }
  }
  ~LbProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // The exit status within `timeout`, or -1.
  int wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void signal(int number) { ::kill(pid_, number); }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

class LbProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-lb-proc-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(LbProcessTest, BadFlagsExitTwoWithTheReason) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  std::vector<Case> cases = {
      {{"--dataplane", "bogus", "--kubeconfig", "/nonexistent"}, "--dataplane: expected ipvs, nftables or keepalived"},
      {{"--dataplane", "keepalived", "--configmap", "no-slash"}, "--configmap: expected NAMESPACE/NAME"},
      {{"--dataplane", "keepalived", "--scheduler", "fastest"}, "--scheduler: unknown scheduler 'fastest'"},
      {{"--dataplane", "keepalived", "--health-check", "misc"}, "--health-check misc needs --health-misc-script"},
      {{"--dataplane", "keepalived", "--announce-prefix", "10.1.3.0/24"}, "--announce-prefix is for bird"},
      {{"--dataplane", "keepalived", "--log-level", "loud"}, "--log-level"},
      {{"--dataplane", "keepalived", "--health-rise", "3"}, "rise"},
  };
  for (const auto& c : cases) {
    LbProcess lb(dir_, c.args);
    EXPECT_EQ(lb.wait(std::chrono::seconds(10)), 2) << lb.log();
    EXPECT_NE(lb.log().find(c.expected), std::string::npos) << lb.log();
  }
}

TEST_F(LbProcessTest, TheIpvsDataplaneOnAKernelWithoutIpvsSaysSo) {
  if (fs::exists("/proc/net/ip_vs")) GTEST_SKIP() << "this kernel has IPVS";
  LbProcess lb(dir_, {"--dataplane", "ipvs", "--state-dir", (dir_ / "state").string(), "--kubeconfig", "/nonexistent"});
  EXPECT_NE(lb.wait(std::chrono::seconds(10)), 0);
  EXPECT_NE(lb.log().find("modprobe ip_vs"), std::string::npos) << lb.log();
}

TEST_F(LbProcessTest, KeepalivedDataplaneServesMetricsAndStopsCleanly) {
  pier::testing::ApiServerDouble api;
  api.put({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"namespace", "kube-system"}, {"name", "lvs"}}},
           {"data", {{"10.1.3.225-80", "10.1.0.130:80, 10.1.51.20:80"}}}});
  uint16_t port = pier::testing::closed_port();
  fs::path conf = dir_ / "keepalived.conf";
  LbProcess lb(dir_, {"--dataplane", "keepalived", "--kubeconfig", api.kubeconfig_path(), "--configmap", "kube-system/lvs",
                      "--keepalived-config", conf.string(), "--keepalived-reload-command", "/bin/true", "--listen",
                      "127.0.0.1:" + std::to_string(port), "--node-name", "lvs-test"});
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(eventually([&] { return fs::exists(conf); })) << lb.log();
  std::ifstream in(conf);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("virtual_server 10.1.3.225 80"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("real_server 10.1.51.20 80"), std::string::npos) << text.str();
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(base + "/readyz").status == 200; })) << lb.log();
  EXPECT_EQ(pier::server::testing::get(base + "/healthz").status, 200);
  auto metrics = pier::server::testing::get(base + "/metrics");
  EXPECT_NE(metrics.body.find("lvs_service_ready_endpoints{vip=\"10.1.3.225\",vport=\"80\",protocol=\"TCP\""),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("pier_lb_operations_total{dataplane=\"keepalived\",kind=\"add_service\",result=\"ok\"} 1"),
            std::string::npos)
      << metrics.body;
  // Structured logs: JSON lines.
  EXPECT_NE(lb.log().find("{\"ts\":"), std::string::npos) << lb.log();

  lb.signal(SIGTERM);
  EXPECT_EQ(lb.wait(std::chrono::seconds(10)), 0) << lb.log();
  EXPECT_TRUE(fs::exists(conf)) << "stopping leaves the dataplane as it is";
}

}  // namespace
