// pier nginx-metrics: business metrics from nginx access logs
// (src/nginx_metrics), on /metrics, until SIGTERM or SIGINT.
#include <iostream>
#include <thread>

#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "nginx_metrics/log_exporter.h"
#include "server/http_server.h"
#include "server/process_metrics.h"
#include "server/router.h"
#include "server/signals.h"

namespace pier::cli {
namespace {

struct NginxMetricsFlags {
  std::vector<std::string> logs;
  std::string listen = "0.0.0.0:9145";
  bool from_start = false;
  std::string state_file;
  std::string interval = "250ms";
  std::vector<double> buckets;
  std::vector<std::string> hosts;
  std::vector<std::string> upstreams;
  size_t max_series = 2000;
  bool method_label = false;
  std::vector<std::string> fields;
  size_t max_line = 64 * 1024;
  bool once = false;
  std::string format = "json";
  std::vector<std::string> combined_fields;
};

Result<void> apply_field(nginx_metrics::JsonFieldNames& names, const std::string& flag) {
  auto eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size())
    return fail(Error::invalid("--field: expected FIELD=KEY (e.g. host=vhost), got '" + flag + "'"));
  std::string field = flag.substr(0, eq), key = flag.substr(eq + 1);
  std::string* target = field == "host"                     ? &names.host
                        : field == "method"                 ? &names.method
                        : field == "status"                 ? &names.status
                        : field == "bytes_sent"             ? &names.bytes_sent
                        : field == "request_time"           ? &names.request_time
                        : field == "upstream_addr"          ? &names.upstream_addr
                        : field == "upstream_status"        ? &names.upstream_status
                        : field == "upstream_response_time" ? &names.upstream_response_time
                                                            : nullptr;
  if (!target)
    return fail(Error::invalid("--field: unknown field '" + field +
                               "' (host, method, status, bytes_sent, request_time, upstream_addr, upstream_status, "
                               "upstream_response_time)"));
  *target = key;
  return {};
}

int run_nginx_metrics(const NginxMetricsFlags& flags) {
  nginx_metrics::LogExporterOptions options;
  options.globs = flags.logs;
  options.from_start = flags.from_start;
  options.state_file = flags.state_file;
  options.max_line = flags.max_line;
  if (flags.format == "combined") options.format = nginx_metrics::LogExporterOptions::Format::kCombined;
  if (!flags.combined_fields.empty()) options.combined_fields = flags.combined_fields;
  auto interval = parse_duration(flags.interval);
  if (!interval) return report_error(Error::invalid("--interval: " + interval.error().message));
  options.interval = *interval;
  if (!flags.buckets.empty()) options.metrics.buckets = flags.buckets;
  for (double b : options.metrics.buckets)
    if (!(b > 0)) return report_error(Error::invalid("--bucket: bounds are seconds above 0, got " + std::to_string(b)));
  options.metrics.hosts = flags.hosts;
  options.metrics.upstreams = flags.upstreams;
  options.metrics.max_series = flags.max_series;
  options.metrics.method_label = flags.method_label;
  for (const auto& f : flags.fields)
    if (auto ok = apply_field(options.fields, f); !ok) return report_error(ok.error());

  if (flags.once) options.from_start = true;
  auto sink = std::make_shared<server::StderrLogSink>();
  server::Logger logger(sink, "nginx-metrics");
  options.on_file_problem = [&logger](const std::string& path, const std::string& error) {
    if (error.empty())
      logger.info("log readable again", {{"log", path}});
    else
      logger.warn("log not readable", {{"log", path}, {"error", error}});
  };
  server::TerminationSignals signals;
  auto exporter = nginx_metrics::LogExporter::create(std::move(options));
  if (!exporter) return report_error(exporter.error());
  if (flags.once) {
    (*exporter)->read_to_end();
    if (auto saved = (*exporter)->save_positions(); !saved) return report_error(saved.error());
    std::cout << (*exporter)->expose();
    return 0;
  }

  server::ServerOptions server_options;
  server_options.listen = flags.listen;
  server_options.worker_threads = 2;
  server_options.access_log = false;
  server_options.log_sink = sink;
  server::Router router;
  server::HttpServer http(server_options, router);
  server::add_process_metrics(http.metrics());
  http.metrics().add_collector([&exporter](std::string& out) { out += (*exporter)->expose(); });
  auto port = http.start();
  if (!port) return report_error(port.error());
  logger.info("pier nginx-metrics started", {{"listen", flags.listen}, {"port", static_cast<int>(*port)},
                                             {"logs", static_cast<int>(flags.logs.size())}});
  {
    std::jthread loop([&](std::stop_token stop) { (*exporter)->run(stop); });
    int signal = signals.wait();
    logger.info("stopping", {{"signal", signal}, {"lines", static_cast<long long>((*exporter)->lines_read())}});
    http.health().set_shutting_down();
    loop.request_stop();
  }
  http.stop(std::chrono::seconds(2));
  return 0;
}

}  // namespace

Action setup_nginx_metrics(CLI::App& app) {
  auto flags = std::make_shared<NginxMetricsFlags>();
  app.add_option("--log", flags->logs, "an access log, or a glob of them (repeatable); nginx's escape=json format (README)")
      ->required();
  app.add_option("--listen", flags->listen, "/metrics, /healthz and /readyz on HOST:PORT")->capture_default_str();
  app.add_flag("--from-start", flags->from_start, "read the logs there at start-up from their beginning (default: their end)");
  app.add_option("--state-file", flags->state_file, "keep the read positions here, so a restart neither re-counts nor skips");
  app.add_option("--interval", flags->interval, "how often the logs are read")->capture_default_str();
  app.add_option("--bucket", flags->buckets, "histogram bounds in seconds (repeatable; default .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10)");
  app.add_option("--host", flags->hosts, "hosts that get their own label value (repeatable; others count as \"other\")");
  app.add_option("--upstream", flags->upstreams, "upstreams that get their own label value (repeatable)");
  app.add_option("--max-series", flags->max_series, "label sets per metric before new ones count as \"other\"")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--method-label", flags->method_label, "label requests with their method too");
  app.add_option("--field", flags->fields, "a JSON key other than the default: FIELD=KEY, e.g. host=vhost (repeatable)");
  app.add_option("--max-line", flags->max_line, "longer lines are skipped and counted")->capture_default_str();
  app.add_option("--format", flags->format, "json (escape=json log_format) or combined (extended; docs/nginx-metrics.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "combined"}));
  app.add_option("--combined-fields", flags->combined_fields,
                 "combined: the fields after the combined part, in order (default "
                 "request_time,upstream_response_time,upstream_addr,upstream_status,host; - skips one)")
      ->delimiter(',');
  app.add_flag("--once", flags->once, "read the logs from their beginning to their end, print the metrics and exit");
  return [flags] { return run_nginx_metrics(*flags); };
}

}  // namespace pier::cli
