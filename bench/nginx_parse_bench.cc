// nginx-metrics' hot path in-process: parse a JSON access-log line and add
// it to the metrics (issue 7's target: 2 million lines/s on one core). The
// whole-file run against mtail is a separate benchmark.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "nginx_metrics/json_access_log.h"
#include "nginx_metrics/traffic_metrics.h"

namespace {

using namespace pier::nginx_metrics;

std::vector<std::string> realistic_lines(size_t n) {
  std::mt19937 rng(11);
  const char* hosts[] = {"shop.example.com", "api.example.com", "img.example.com", "m.example.com"};
  const char* methods[] = {"GET", "GET", "GET", "POST"};
  const int statuses[] = {200, 200, 200, 200, 200, 301, 404, 500, 502};
  std::vector<std::string> lines;
  for (size_t i = 0; i < n; ++i) {
    int status = statuses[rng() % 9];
    double rt = (rng() % 5000) / 10000.0;
    std::string upstream = "10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 8) + ":8080";
    lines.push_back(std::string(R"({"time":"2026-11-29T10:00:00+00:00","remote_addr":"192.0.2.)") + std::to_string(rng() % 250) +
                    R"(","host":")" + hosts[rng() % 4] + R"(","method":")" + methods[rng() % 4] +
                    R"(","uri":"/product/)" + std::to_string(rng() % 100000) + R"(?ref=home","status":)" +
                    std::to_string(status) + R"(,"bytes_sent":)" + std::to_string(rng() % 100000) +
                    R"(,"request_time":)" + std::to_string(rt).substr(0, 5) + R"(,"upstream_addr":")" + upstream +
                    R"(","upstream_status":")" + std::to_string(status) + R"(","upstream_response_time":")" +
                    std::to_string(rt * 0.9).substr(0, 5) + R"x(","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64)"})x");
  }
  return lines;
}

void BM_ParseAndRecordJsonLine(benchmark::State& state) {
  auto lines = realistic_lines(10000);
  JsonAccessLogParser parser;
  TrafficMetrics metrics;
  AccessRecord record;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[i++ % lines.size()];
    if (parser.parse(line, record)) metrics.record(record);
    bytes += line.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseAndRecordJsonLine);

}  // namespace

BENCHMARK_MAIN();
