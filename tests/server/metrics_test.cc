#include "server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http_client.h"
#include "server/process_metrics.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;

TEST(Metrics, CountersAndGaugesInTheTextFormat) {
  MetricsRegistry registry;
  auto& deploys = registry.counter("pier_deploys_total", "Deploys by outcome.", {"outcome"});
  deploys.with({"deployed"}).inc();
  deploys.with({"deployed"}).inc(2);
  deploys.with({"failed"}).inc();
  registry.gauge("pier_queue_depth", "Queued operations.").with({}).set(4.5);
  EXPECT_EQ(registry.expose(),
            "# HELP pier_deploys_total Deploys by outcome.\n"
            "# TYPE pier_deploys_total counter\n"
            "pier_deploys_total{outcome=\"deployed\"} 3\n"
            "pier_deploys_total{outcome=\"failed\"} 1\n"
            "# HELP pier_queue_depth Queued operations.\n"
            "# TYPE pier_queue_depth gauge\n"
            "pier_queue_depth 4.5\n");
}

TEST(Metrics, HistogramsHaveCumulativeBucketsInfSumAndCount) {
  MetricsRegistry registry;
  auto& latency = registry.histogram("render_seconds", "Render time.", {"app"}, {0.01, 0.1, 1});
  for (double v : {0.005, 0.01, 0.05, 0.5, 3.0}) latency.with({"jetty"}).observe(v);
  EXPECT_EQ(registry.expose(),
            "# HELP render_seconds Render time.\n"
            "# TYPE render_seconds histogram\n"
            "render_seconds_bucket{app=\"jetty\",le=\"0.01\"} 2\n"
            "render_seconds_bucket{app=\"jetty\",le=\"0.1\"} 3\n"
            "render_seconds_bucket{app=\"jetty\",le=\"1\"} 4\n"
            "render_seconds_bucket{app=\"jetty\",le=\"+Inf\"} 5\n"
            "render_seconds_sum{app=\"jetty\"} 3.565\n"
            "render_seconds_count{app=\"jetty\"} 5\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.counter("odd_total", "Help with \\ and\nnewline.", {"path"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_EQ(registry.expose(),
            "# HELP odd_total Help with \\\\ and\\nnewline.\n"
            "# TYPE odd_total counter\n"
            "odd_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, RegisteringAgainReturnsTheSameFamily) {
  MetricsRegistry registry;
  auto& a = registry.counter("x_total", "X.", {"k"});
  auto& b = registry.counter("x_total", "X.", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.with({"v"}), &b.with({"v"}));
}

TEST(MetricsDeathTest, MisuseIsAProgrammingError) {
  MetricsRegistry registry;
  registry.counter("x_total", "X.", {"k"});
  EXPECT_DEATH(registry.gauge("x_total", "X.", {"k"}), "registered twice");
  EXPECT_DEATH(registry.counter("bad-name", "X."), "not a metric name");
  EXPECT_DEATH(registry.counter("x_total", "X.", {"k"}).with({"a", "b"}), "2 label values for 1 labels");
  EXPECT_DEATH(registry.histogram("h", "H.", {}, {1, 1}), "strictly increasing");
}

TEST(Metrics, ValuesFormat) {
  EXPECT_EQ(format_metric_value(3), "3");
  EXPECT_EQ(format_metric_value(0.25), "0.25");
  EXPECT_EQ(format_metric_value(1e20), "1e+20");
  EXPECT_EQ(format_metric_value(-2), "-2");
  EXPECT_EQ(format_metric_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_metric_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_metric_value(0.0 / 0.0), "NaN");
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  auto& family = registry.counter("hits_total", "Hits.", {"route"});
  auto& histogram = registry.histogram("lat_seconds", "Latency.", {}, default_duration_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        family.with({t % 2 ? "/a" : "/b"}).inc();
        histogram.with({}).observe(0.003);
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.with({"/a"}).value() + family.with({"/b"}).value(), 40000);
  EXPECT_EQ(histogram.with({}).snapshot().count, 40000u);
}

TEST(ProcessMetrics, ReadsThisProcess) {
  auto stats = read_process_stats();
  ASSERT_TRUE(stats);
  EXPECT_GT(stats->resident_bytes, 1 << 20);
  EXPECT_GT(stats->open_fds, 2);
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LT(stats->start_time_seconds, now + 1);
  EXPECT_GT(stats->start_time_seconds, now - 3600);
  std::string text;
  write_process_metrics(text, *stats);
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "));
  EXPECT_THAT(text, HasSubstr("# TYPE process_open_fds gauge\n"));
}

// promtool (Debian package `prometheus`) is the reference checker of the format.
class MetricsEndpointTest : public testing::ServerTest {};

TEST_F(MetricsEndpointTest, PromtoolAcceptsWhatMetricsServes) {
  router_.get("/api/v1/things/{id}", [](const Request&) { return Response::json(200, {}); }, Access::anyone());
  start();
  server_->metrics().counter("pier_odd_total", "Label values \"quoted\", back\\slashed.", {"v"}).with({"a\"b\\c\nd"}).inc();
  testing::get(url("/api/v1/things/1"));
  testing::get(url("/missing"));
  // Requests are counted once their response is out: poll until both are.
  testing::ClientResponse metrics;
  for (int i = 0; i < 200; ++i) {
    metrics = testing::get(url("/metrics"));
    if (metrics.body.find("route=\"unmatched\",code=\"404\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/things/{id}\",le=\"+Inf\"} 1"));
  EXPECT_THAT(metrics.body, HasSubstr("process_start_time_seconds "));

  const char* candidates[] = {"/usr/bin/promtool", "/usr/local/bin/promtool"};
  std::string promtool;
  for (const char* path : candidates)
    if (::access(path, X_OK) == 0) promtool = path;
  if (promtool.empty())
    GTEST_SKIP() << "promtool not installed (Debian package `prometheus`): text format checked by the tests above only";

  auto file = std::filesystem::temp_directory_path() / ("pier-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << metrics.body;
  std::string command = promtool + " check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  int status = ::pclose(pipe);
  std::filesystem::remove(file);
  // Lint remarks (e.g. counters without _total) would be listed; none are expected.
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << metrics.body;
}

}  // namespace
}  // namespace pier::server
