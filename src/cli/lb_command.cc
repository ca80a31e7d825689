// pier lb: the L4 load-balancer controller (src/lb), until SIGTERM or SIGINT.
// This file only turns flags into the controller's parts and wires them.
#include <unistd.h>

#include <iostream>
#include <thread>

#include "cli/cluster_flags.h"
#include "common/host_name.h"
#include "cli/commands.h"
#include "lb/cluster_feedback.h"
#include "lb/cluster_inputs.h"
#include "lb/controller_health.h"
#include "lb/ipvs_dataplane.h"
#include "lb/keepalived_dataplane.h"
#include "lb/lb_controller.h"
#include "lb/lb_metrics.h"
#include "lb/netlink_channel.h"
#include "lb/nft_dataplane.h"
#include "lb/vip_announcement.h"
#include "server/http_server.h"
#include "server/process_metrics.h"
#include "server/router.h"
#include "server/signals.h"

namespace pier::cli {
namespace {

struct LbFlags {
  ClusterFlags cluster;
  std::string dataplane;
  std::string configmap;
  std::vector<std::string> vip_pool;
  std::string load_balancer_class = "pier.io/lb";
  std::string scheduler = "wlc";
  std::string forwarding = "nat";
  uint32_t weight = 1;
  std::string drain_timeout = "300s";
  std::string resync = "5m";
  std::string listen = "0.0.0.0:9100";
  std::string node_name;
  std::string state_dir = "/var/lib/pier-lb";
  // keepalived
  std::string keepalived_config = "/etc/keepalived/keepalived.conf";
  std::string keepalived_pid_file = "/run/keepalived.pid";
  std::vector<std::string> keepalived_reload_command;
  std::string vrrp_interface;
  uint32_t vrrp_router_id = 0;
  uint32_t vrrp_priority = 100;
  // health checks (keepalived runs them itself)
  std::string health_check = "tcp";
  std::string health_interval = "6s";
  std::string health_timeout = "3s";
  uint32_t health_fall = 3;
  uint32_t health_rise = 1;
  std::string health_http_path = "/";
  uint16_t health_http_status = 200;
  std::string health_misc_script;
  // announcement
  std::string vip_interface;
  std::string bird_include;
  std::string bird_socket = "/run/bird/bird.ctl";
  std::vector<std::string> announce_prefixes;
  bool withdraw_without_ready = false;
  std::string log_level = "info";
};

Result<lb::HealthCheck> health_check_from(const LbFlags& flags) {
  lb::HealthCheck check;
  if (flags.health_check == "tcp") check.kind = lb::HealthCheckKind::kTcp;
  else if (flags.health_check == "http") check.kind = lb::HealthCheckKind::kHttp;
  else if (flags.health_check == "misc") check.kind = lb::HealthCheckKind::kMisc;
  else if (flags.health_check == "none") check.kind = lb::HealthCheckKind::kNone;
  else return fail(Error::invalid("--health-check: expected tcp, http, misc or none, got '" + flags.health_check + "'"));
  auto interval = parse_duration(flags.health_interval);
  if (!interval) return fail(Error::invalid("--health-interval: " + interval.error().message));
  auto timeout = parse_duration(flags.health_timeout);
  if (!timeout) return fail(Error::invalid("--health-timeout: " + timeout.error().message));
  check.interval_seconds = static_cast<uint32_t>(std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(*interval).count()));
  check.connect_timeout_seconds = static_cast<uint32_t>(std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(*timeout).count()));
  check.misc_timeout_seconds = check.connect_timeout_seconds;
  check.fall = flags.health_fall;
  check.rise = flags.health_rise;
  check.http_path = flags.health_http_path;
  check.http_status = flags.health_http_status;
  check.misc_path = flags.health_misc_script;
  if (check.kind == lb::HealthCheckKind::kMisc && check.misc_path.empty())
    return fail(Error::invalid("--health-check misc needs --health-misc-script"));
  return check;
}

Result<lb::Config> core_config(const LbFlags& flags) {
  lb::Config config;
  config.vip_pool = flags.vip_pool;
  config.load_balancer_class = flags.load_balancer_class;
  auto scheduler = lb::parse_scheduler(flags.scheduler);
  if (!scheduler) return fail(Error::invalid("--scheduler: unknown scheduler '" + flags.scheduler + "' (rr, wrr, lc, wlc, ...)"));
  config.scheduler = *scheduler;
  auto forwarding = lb::parse_forwarding(flags.forwarding);
  if (!forwarding) return fail(Error::invalid("--forwarding: expected nat, dr, tun or fullnat, got '" + flags.forwarding + "'"));
  config.forwarding = *forwarding;
  config.weight = flags.weight;
  return config;
}

// This node's name in Events and keepalived: --node-name, or the host name.
std::string node_name(const LbFlags& flags) {
  if (!flags.node_name.empty()) return flags.node_name;
  std::string host = host_name();
  return host.empty() ? "unknown" : host;
}

// The dataplane and whatever it needs to live as long as it does.
struct DataplaneParts {
  std::unique_ptr<lb::KeepalivedReloader> reloader;
  std::unique_ptr<lb::KeepalivedFiles> files;
  std::unique_ptr<lb::Dataplane> dataplane;
};

Result<DataplaneParts> open_dataplane(const LbFlags& flags, const lb::HealthCheck& check) {
  DataplaneParts parts;
  if (flags.dataplane == "ipvs") {
    auto socket = lb::GenlSocket::open();
    if (!socket) return fail(socket.error());
    auto ipvs = lb::IpvsDataplane::open(std::move(*socket), std::filesystem::path(flags.state_dir) / "ipvs-owned.json");
    if (!ipvs) return fail(ipvs.error());
    parts.dataplane = std::move(*ipvs);
    return parts;
  }
  if (flags.dataplane == "nftables") {
    auto nft = lb::NftDataplane::create();
    if (!nft) return fail(nft.error());
    parts.dataplane = std::move(*nft);
    return parts;
  }
  if (flags.dataplane == "keepalived") {
    lb::KeepalivedSettings settings;
    settings.router_id = node_name(flags);
    for (char& c : settings.router_id)
      if (c == ' ') c = '_';
    settings.health_check = check;
    if (!flags.vrrp_interface.empty())
      settings.vrrp = lb::VrrpSettings{.interface = flags.vrrp_interface, .virtual_router_id = flags.vrrp_router_id,
                                       .priority = flags.vrrp_priority};
    if (auto problems = lb::check_keepalived_settings(settings); !problems.empty()) {
      Error error = Error::invalid("the keepalived settings are not usable");
      for (const auto& p : problems) error.details.push_back({p.key, p.reason});
      return fail(error);
    }
    if (flags.keepalived_reload_command.empty())
      parts.reloader = std::make_unique<lb::PidFileReloader>(flags.keepalived_pid_file);
    else
      parts.reloader = std::make_unique<lb::CommandReloader>(flags.keepalived_reload_command);
    parts.files = std::make_unique<lb::KeepalivedFiles>(flags.keepalived_config, *parts.reloader);
    parts.dataplane = std::make_unique<lb::KeepalivedDataplane>(settings, *parts.files);
    return parts;
  }
  return fail(Error::invalid("--dataplane: expected ipvs, nftables or keepalived, got '" + flags.dataplane + "'"));
}

int run_lb(const LbFlags& flags) {
  auto config = core_config(flags);
  if (!config) return report_error(config.error());
  auto check = health_check_from(flags);
  if (!check) return report_error(check.error());
  auto drain = parse_duration(flags.drain_timeout);
  if (!drain) return report_error(Error::invalid("--drain-timeout: " + drain.error().message));
  auto resync = parse_duration(flags.resync);
  if (!resync) return report_error(Error::invalid("--resync: " + resync.error().message));
  lb::ClusterInputsOptions inputs_options;
  if (!flags.configmap.empty()) {
    auto slash = flags.configmap.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == flags.configmap.size())
      return report_error(Error::invalid("--configmap: expected NAMESPACE/NAME, got '" + flags.configmap + "'"));
    inputs_options.configmap_namespace = flags.configmap.substr(0, slash);
    inputs_options.configmap_name = flags.configmap.substr(slash + 1);
  }
  server::LogLevel level = flags.log_level == "debug" ? server::LogLevel::kDebug
                           : flags.log_level == "warn" ? server::LogLevel::kWarn
                           : flags.log_level == "error" ? server::LogLevel::kError
                                                        : server::LogLevel::kInfo;
  auto sink = std::make_shared<server::StderrLogSink>();
  server::Logger logger(sink, "lb", level);

  // Caught before anything starts, so a SIGTERM during start-up stops cleanly.
  server::TerminationSignals signals;
  auto parts = open_dataplane(flags, *check);
  if (!parts) return report_error(parts.error());
  auto announcement = lb::VipAnnouncement::open({.interface = flags.vip_interface,
                                                .bird_include = flags.bird_include,
                                                .bird_socket = flags.bird_socket,
                                                .preannounced = flags.announce_prefixes,
                                                .withdraw_without_ready = flags.withdraw_without_ready},
                                               logger);
  if (!announcement) return report_error(announcement.error());
  auto session = open_cluster(flags.cluster);
  if (!session) return report_error(session.error());

  server::ServerOptions server_options;
  server_options.listen = flags.listen;
  server_options.worker_threads = 2;
  server_options.access_log = false;
  server_options.log_sink = sink;
  server_options.log_level = level;
  server::Router router;
  server::HttpServer http(server_options, router);
  server::add_process_metrics(http.metrics());

  lb::ClusterInputs inputs(*session->client, inputs_options);
  std::string node = node_name(flags);
  lb::KubeFeedback feedback(*session->client, inputs, {.node = node});
  lb::LbMetrics metrics(http.metrics(), std::string(parts->dataplane->name()));
  lb::ControllerOptions options;
  options.config = *config;
  options.drain_timeout = std::chrono::ceil<std::chrono::seconds>(*drain);
  options.resync_period = *resync;
  lb::ControllerHooks hooks;
  if ((*announcement)->enabled())
    hooks.announce = [&announcement](const lb::Desired& desired) { return (*announcement)->announce(desired); };
  std::unique_ptr<lb::ControllerHealth> health;
  if (flags.dataplane != "keepalived" && check->kind != lb::HealthCheckKind::kNone) {
    health = std::make_unique<lb::ControllerHealth>(*check, inputs, feedback, metrics, logger);
    health->add_to(hooks);
  }
  lb::LbController controller(inputs, *parts->dataplane, feedback, metrics, logger, options, hooks);
  http.health().add_check("synced", [&]() -> Result<void> {
    if (!inputs.synced()) {
      auto why = inputs.last_error();
      return fail(Error::make(ErrorCode::kUnavailable, "informers not synced" + (why ? ": " + why->message : std::string())));
    }
    if (!controller.ready()) return fail(Error::make(ErrorCode::kUnavailable, "the last sync did not apply everything"));
    return {};
  });
  auto port = http.start();
  if (!port) return report_error(port.error());
  logger.info("pier lb started", {{"dataplane", std::string(parts->dataplane->name())}, {"listen", flags.listen},
                                  {"port", static_cast<int>(*port)}, {"node", node},
                                  {"configmap", flags.configmap}});
  {
    std::jthread informers([&](std::stop_token stop) { inputs.run(stop); });
    std::jthread loop([&](std::stop_token stop) { controller.run(stop); });
    int signal = signals.wait();
    logger.info("stopping; the dataplane keeps its state", {{"signal", signal}});
    http.health().set_shutting_down();
    loop.request_stop();
    informers.request_stop();
  }
  http.stop(std::chrono::seconds(2));
  return 0;
}

}  // namespace

Action setup_lb(CLI::App& app) {
  auto flags = std::make_shared<LbFlags>();
  flags->cluster.add_to(app, /*with_namespace=*/false);
  app.add_option("--dataplane", flags->dataplane, "ipvs (the kernel's IPVS), nftables, or keepalived (writes keepalived.conf)")
      ->required();
  app.add_option("--configmap", flags->configmap, "NAMESPACE/NAME of the ConfigMap in the seed's format (docs/lb.md)");
  app.add_option("--vip-pool", flags->vip_pool, "addresses for LoadBalancer Services without a VIP (CIDR, FIRST-LAST; repeatable)");
  app.add_option("--load-balancer-class", flags->load_balancer_class, "LoadBalancer Services of this class (or none) are Pier's")
      ->capture_default_str();
  app.add_option("--scheduler", flags->scheduler, "IPVS scheduler when an entry names none")->capture_default_str();
  app.add_option("--forwarding", flags->forwarding, "nat, dr, tun or fullnat when an entry names none")->capture_default_str();
  app.add_option("--weight", flags->weight, "weight of a ready endpoint")->capture_default_str()->check(CLI::Range(1, 65535));
  app.add_option("--drain-timeout", flags->drain_timeout, "a leaving real server with connections goes after this long")
      ->capture_default_str();
  app.add_option("--resync", flags->resync, "full recompute and re-read of the dataplane at least this often")->capture_default_str();
  app.add_option("--listen", flags->listen, "/metrics, /healthz and /readyz on HOST:PORT")->capture_default_str();
  app.add_option("--node-name", flags->node_name, "this LVS node's name in Events and keepalived (default: the host name)");
  app.add_option("--state-dir", flags->state_dir, "ipvs: where the record of Pier's virtual services lives")->capture_default_str();
  app.add_option("--keepalived-config", flags->keepalived_config, "keepalived: the file to write")->capture_default_str();
  app.add_option("--keepalived-pid-file", flags->keepalived_pid_file, "keepalived: SIGHUP the process in this file to reload")
      ->capture_default_str();
  app.add_option("--keepalived-reload-command", flags->keepalived_reload_command,
                 "keepalived: reload with this command instead (e.g. systemctl reload keepalived)")
      ->expected(1, 16);
  app.add_option("--vrrp-interface", flags->vrrp_interface, "keepalived: carry the VIPs in a VRRP instance on this interface");
  app.add_option("--vrrp-router-id", flags->vrrp_router_id, "keepalived: virtual_router_id (1-255)")->check(CLI::Range(1, 255));
  app.add_option("--vrrp-priority", flags->vrrp_priority, "keepalived: priority (1-254)")->capture_default_str();
  app.add_option("--health-check", flags->health_check, "tcp, http, misc or none")->capture_default_str();
  app.add_option("--health-interval", flags->health_interval, "between two checks of a real server")->capture_default_str();
  app.add_option("--health-timeout", flags->health_timeout, "for one check")->capture_default_str();
  app.add_option("--health-fall", flags->health_fall, "failures in a row that take a real server out")->capture_default_str();
  app.add_option("--health-rise", flags->health_rise, "successes in a row that bring it back")->capture_default_str();
  app.add_option("--health-http-path", flags->health_http_path, "http: the path to GET")->capture_default_str();
  app.add_option("--health-http-status", flags->health_http_status, "http: the status expected")->capture_default_str();
  app.add_option("--health-misc-script", flags->health_misc_script,
                 "misc: absolute path and arguments; {address} and {port} are replaced (exit 0 up, 1 down)");
  app.add_option("--vip-interface", flags->vip_interface,
                 "put the VIPs on this interface (a dummy one, e.g. pier-vips); only Pier's addresses are ever removed");
  app.add_option("--bird-include", flags->bird_include, "write bird2's VIP routes here and run `birdc configure` (docs/lb.md)");
  app.add_option("--bird-socket", flags->bird_socket, "bird's control socket")->capture_default_str();
  app.add_option("--announce-prefix", flags->announce_prefixes,
                 "announce this prefix once instead of each VIP inside it (repeatable; the seed's pre-announced range)");
  app.add_flag("--withdraw-without-ready", flags->withdraw_without_ready,
               "withdraw a VIP none of whose virtual services has a ready real server");
  app.add_option("--log-level", flags->log_level, "debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  return [flags] { return run_lb(*flags); };
}

}  // namespace pier::cli
