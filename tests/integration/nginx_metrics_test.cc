// pier nginx-metrics against a real nginx (Debian) on loopback with the
// README's JSON log format, proxying to two upstreams (one slow, one
// answering 500s) and answering 404 itself, under a bounded load with a rename
// rotation (nginx reopening its log on USR1) and a copytruncate in between:
// the scraped counts equal the requests sent, per status and per upstream,
// and the histograms count every request.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "http_client.h"
#include "support/closed_port.h"
#include "support/eventually.h"

namespace {

namespace fs = std::filesystem;
using pier::testing::closed_port;
using pier::testing::eventually;

class Child {
 public:
  Child(std::vector<std::string> argv, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
        ::usleep(20000);
      }
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void signal(int number) { ::kill(pid_, number); }

 private:
  pid_t pid_ = -1;
};

// The slow upstream: answers 200 after 50 ms, one connection at a time
// (nginx's core cannot wait, so this one is the test's own).
class SlowUpstream {
 public:
  SlowUpstream() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 64);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SlowUpstream() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  void serve() {
    while (!stopping_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      timeval timeout{.tv_sec = 2, .tv_usec = 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
      (void)::send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
      ::close(c);
    }
  }
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The value of one sample line of the exposition, or -1.
double sample(const std::string& metrics, const std::string& series) {
  auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

class NginxMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/sbin/nginx")) GTEST_SKIP() << "nginx is not installed (scripts/setup installs it)";
    dir_ = fs::temp_directory_path() / ("pier-nginx-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "tmp");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `ok` is the slow upstream's port (slow_.port()).
  void write_config(uint16_t front, uint16_t ok, uint16_t broken) {
    std::string d = dir_.string();
    std::ofstream conf(dir_ / "nginx.conf");
    conf << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log;\nevents {}\nhttp {\n"
         << "  log_format pier escape=json '{\"time\":\"$time_iso8601\",\"host\":\"$host\",\"method\":\"$request_method\","
            "\"status\":$status,\"bytes_sent\":$body_bytes_sent,\"request_time\":$request_time,"
            "\"upstream_addr\":\"$upstream_addr\",\"upstream_status\":\"$upstream_status\","
            "\"upstream_response_time\":\"$upstream_response_time\"}';\n"
         << "  access_log " << d << "/access.log pier;\n"
         << "  client_body_temp_path " << d << "/tmp; proxy_temp_path " << d << "/tmp; fastcgi_temp_path " << d
         << "/tmp; uwsgi_temp_path " << d << "/tmp; scgi_temp_path " << d << "/tmp;\n"
         << "  upstream ok { server 127.0.0.1:" << ok << "; }\n"
         << "  upstream broken { server 127.0.0.1:" << broken << "; }\n"
         << "  server { listen 127.0.0.1:" << broken << "; access_log off; location / { return 500; } }\n"
         << "  server { listen 127.0.0.1:" << front << "; server_name shop.test;\n"
         << "    location /ok { proxy_pass http://ok; }\n    location /broken { proxy_pass http://broken; }\n"
         << "    location /missing { return 404; }\n  }\n}\n";
  }

  fs::path dir_;
  SlowUpstream slow_;
};

TEST_F(NginxMetricsTest, CountsEqualTheRequestsSentAcrossRotations) {
  uint16_t front = closed_port(), ok = slow_.port(), broken = closed_port(), metrics_port = closed_port();
  write_config(front, ok, broken);
  Child nginx({"/usr/sbin/nginx", "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-g", "daemon off;"},
              dir_ / "nginx.out");
  std::string base = "http://127.0.0.1:" + std::to_string(front);
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(base + "/missing").status == 404; }))
      << "nginx did not start";
  ASSERT_TRUE(eventually([&] { return fs::exists(dir_ / "access.log"); }));

  Child exporter({PIER_BINARY, "nginx-metrics", "--log", (dir_ / "access.log").string(), "--listen",
                  "127.0.0.1:" + std::to_string(metrics_port), "--interval", "50ms", "--state-file",
                  (dir_ / "state.json").string()},
                 dir_ / "exporter.log");
  std::string scrape = "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics";
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(scrape).status == 200; }));
  // The one 404 above came before the exporter: it starts at the log's end.

  auto send = [&](const std::string& path, int count, long expected) {
    for (int i = 0; i < count; ++i) {
      auto r = pier::server::testing::send({.url = base + path, .headers = {"Host: shop.test"}});
      ASSERT_EQ(r.status, expected) << path;
    }
  };
  send("/ok", 40, 200);
  send("/broken", 15, 500);
  // Rename rotation: nginx writes on to the renamed file until USR1 reopens.
  fs::rename(dir_ / "access.log", dir_ / "access.log.1");
  send("/ok", 10, 200);
  nginx.signal(SIGUSR1);
  ASSERT_TRUE(eventually([&] { return fs::exists(dir_ / "access.log"); }));
  send("/missing", 12, 404);
  send("/ok", 10, 200);
  // copytruncate, while no request is in flight (lines written between the
  // copy and the truncation are lost by copytruncate itself).
  ASSERT_TRUE(eventually([&] {
    auto m = pier::server::testing::get(scrape).body;
    return sample(m, R"(nginx_http_requests_total{host="shop.test",status="200"})") == 60;
  }));
  fs::copy_file(dir_ / "access.log", dir_ / "access.log.2");
  fs::resize_file(dir_ / "access.log", 0);
  send("/broken", 5, 500);
  send("/ok", 7, 200);

  std::string m;
  ASSERT_TRUE(eventually([&] {
    m = pier::server::testing::get(scrape).body;
    return sample(m, R"(nginx_http_requests_total{host="shop.test",status="200"})") == 67 &&
           sample(m, R"(nginx_http_requests_total{host="shop.test",status="500"})") == 20 &&
           sample(m, R"(nginx_http_requests_total{host="shop.test",status="404"})") == 12;
  })) << m;
  std::string up_ok = "127.0.0.1:" + std::to_string(ok), up_broken = "127.0.0.1:" + std::to_string(broken);
  EXPECT_EQ(sample(m, R"(nginx_http_upstream_requests_total{host="shop.test",upstream=")" + up_ok + R"(",status="200"})"), 67) << m;
  EXPECT_EQ(sample(m, R"(nginx_http_upstream_requests_total{host="shop.test",upstream=")" + up_broken + R"(",status="500"})"), 20) << m;
  EXPECT_EQ(sample(m, R"(nginx_http_request_duration_seconds_count{host="shop.test"})"), 99) << m;
  EXPECT_EQ(sample(m, R"(nginx_http_upstream_response_seconds_count{host="shop.test",upstream=")" + up_ok + "\"}"), 67) << m;
  // The slow upstream's 50 ms: none under 25 ms, all under 250 ms.
  EXPECT_EQ(sample(m, R"(nginx_http_upstream_response_seconds_bucket{host="shop.test",upstream=")" + up_ok + R"(",le="0.025"})"), 0) << m;
  EXPECT_EQ(sample(m, R"(nginx_http_upstream_response_seconds_bucket{host="shop.test",upstream=")" + up_ok + R"(",le="0.25"})"), 67) << m;
  EXPECT_EQ(sample(m, R"(nginx_metrics_rotations_total{log=")" + (dir_ / "access.log").string() + "\"}"), 1) << m;
  EXPECT_EQ(sample(m, R"(nginx_metrics_truncations_total{log=")" + (dir_ / "access.log").string() + "\"}"), 1) << m;
  EXPECT_EQ(m.find("nginx_http_log_parse_errors_total{"), std::string::npos) << m;
}

// A restart with the state file: the new process counts what came while
// it was down and after, never what the old one counted.
TEST_F(NginxMetricsTest, ARestartNeitherRecountsNorSkips) {
  uint16_t front = closed_port(), ok = slow_.port(), broken = closed_port(), metrics_port = closed_port();
  write_config(front, ok, broken);
  Child nginx({"/usr/sbin/nginx", "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-g", "daemon off;"},
              dir_ / "nginx.out");
  std::string base = "http://127.0.0.1:" + std::to_string(front);
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(base + "/missing").status == 404; }));
  auto send = [&](int count) {
    for (int i = 0; i < count; ++i)
      ASSERT_EQ(pier::server::testing::send({.url = base + "/ok", .headers = {"Host: shop.test"}}).status, 200);
  };
  std::vector<std::string> argv{PIER_BINARY, "nginx-metrics", "--log", (dir_ / "access.log").string(), "--listen",
                                "127.0.0.1:" + std::to_string(metrics_port), "--interval", "50ms", "--state-file",
                                (dir_ / "state.json").string()};
  std::string scrape = "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics";
  const std::string ok_series = R"(nginx_http_requests_total{host="shop.test",status="200"})";
  {
    Child first(argv, dir_ / "exporter.log");
    ASSERT_TRUE(eventually([&] { return pier::server::testing::get(scrape).status == 200; }));
    send(25);
    ASSERT_TRUE(eventually([&] { return sample(pier::server::testing::get(scrape).body, ok_series) == 25; }));
  }  // SIGTERM: the positions are saved
  ASSERT_TRUE(fs::exists(dir_ / "state.json"));
  send(8);  // while no exporter runs
  Child second(argv, dir_ / "exporter.log");
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(scrape).status == 200; }));
  send(4);
  std::string m;
  EXPECT_TRUE(eventually([&] {
    m = pier::server::testing::get(scrape).body;
    return sample(m, ok_series) == 12;
  })) << m;
}

// A real Prometheus (Debian) scrapes the exporter and evaluates the
// shipped recording rules (alerts/nginx.rules.yml; the group intervals set
// to the test's 1 s): the QPS rule answers a PromQL query.
TEST_F(NginxMetricsTest, PrometheusScrapesItAndTheRecordingRulesAnswer) {
  if (!fs::exists("/usr/bin/prometheus")) GTEST_SKIP() << "prometheus is not installed (scripts/setup installs it)";
  uint16_t front = closed_port(), ok = slow_.port(), broken = closed_port(), metrics_port = closed_port(),
           prometheus_port = closed_port();
  write_config(front, ok, broken);
  Child nginx({"/usr/sbin/nginx", "-p", dir_.string(), "-c", (dir_ / "nginx.conf").string(), "-g", "daemon off;"},
              dir_ / "nginx.out");
  std::string base = "http://127.0.0.1:" + std::to_string(front);
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(base + "/missing").status == 404; }));
  Child exporter({PIER_BINARY, "nginx-metrics", "--log", (dir_ / "access.log").string(), "--listen",
                  "127.0.0.1:" + std::to_string(metrics_port), "--interval", "50ms"},
                 dir_ / "exporter.log");

  // The shipped rules, evaluated every second instead of every minute.
  std::ifstream in(std::string(PIER_SOURCE_DIR) + "/alerts/nginx.rules.yml");
  std::stringstream rules_text;
  rules_text << in.rdbuf();
  std::string rules = std::regex_replace(rules_text.str(), std::regex("\n\\s*interval: [0-9a-z]+"), "");
  std::ofstream(dir_ / "rules.yml") << rules;
  std::ofstream(dir_ / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n  external_labels:\n    cluster: test\n"
      << "rule_files:\n  - " << (dir_ / "rules.yml").string() << "\n"
      << "scrape_configs:\n  - job_name: pier-nginx-metrics\n    honor_labels: true\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << metrics_port << "']\n";
  Child prometheus({"/usr/bin/prometheus", "--config.file=" + (dir_ / "prometheus.yml").string(),
                    "--storage.tsdb.path=" + (dir_ / "tsdb").string(),
                    "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
                   dir_ / "prometheus.log");
  std::string api = "http://127.0.0.1:" + std::to_string(prometheus_port) + "/api/v1/query?query=";
  ASSERT_TRUE(eventually([&] { return pier::server::testing::get(api + "up").status == 200; },
                         std::chrono::seconds(30)))
      << "prometheus did not start";

  // Bounded load, spread over a few seconds so that rate() has samples.
  std::string body;
  bool answered = eventually(
      [&] {
        for (int i = 0; i < 10; ++i)
          (void)pier::server::testing::send({.url = base + "/ok", .headers = {"Host: shop.test"}});
        body = pier::server::testing::get(api + "cluster_host:nginx_http_requests:rate5m").body;
        return body.find(R"("host":"shop.test")") != std::string::npos;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(500));
  EXPECT_TRUE(answered) << body;
  auto target = pier::server::testing::get(api + "up{job=%22pier-nginx-metrics%22}").body;
  EXPECT_NE(target.find(R"("1"])"), std::string::npos) << target;
}

}  // namespace
