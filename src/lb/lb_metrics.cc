#include "lb/lb_metrics.h"

#include <algorithm>

namespace pier::lb {
namespace {

using server::escape_label_value;
using server::format_metric_value;
using server::MetricType;
using server::write_metric_header;

std::string service_labels(const VirtualService& vs) {
  std::string ns, service;
  if (auto slash = vs.owner.service.find('/'); slash != std::string::npos) {
    ns = vs.owner.service.substr(0, slash);
    service = vs.owner.service.substr(slash + 1);
  }
  return "vip=\"" + escape_label_value(vs.key.vip.text()) + "\",vport=\"" + std::to_string(vs.key.port) +
         "\",protocol=\"" + std::string(name(vs.key.protocol)) + "\",namespace=\"" + escape_label_value(ns) +
         "\",service=\"" + escape_label_value(service) + "\"";
}

std::string endpoint_labels(const std::string& service, const IpAddress& address, uint16_t port) {
  return service + ",endpoint=\"" + escape_label_value(address.text()) + "\",port=\"" + std::to_string(port) + "\"";
}

struct StatField {
  const char* suffix;
  const char* help;
  uint64_t TrafficCounters::*field;
};
constexpr StatField kStats[] = {
    {"conns", "Connections scheduled", &TrafficCounters::connections},
    {"inpkts", "Packets from clients", &TrafficCounters::packets_in},
    {"outpkts", "Packets to clients", &TrafficCounters::packets_out},
    {"inbytes", "Bytes from clients", &TrafficCounters::bytes_in},
    {"outbytes", "Bytes to clients", &TrafficCounters::bytes_out},
};

}  // namespace

std::string_view operation_kind_name(OperationKind kind) {
  switch (kind) {
    case OperationKind::kAddService: return "add_service";
    case OperationKind::kUpdateService: return "update_service";
    case OperationKind::kRemoveService: return "remove_service";
    case OperationKind::kAddRealServer: return "add_real_server";
    case OperationKind::kUpdateRealServer: return "update_real_server";
    case OperationKind::kRemoveRealServer: return "remove_real_server";
  }
  return "unknown";
}

LbMetrics::LbMetrics(server::MetricsRegistry& registry, std::string dataplane)
    : dataplane_(std::move(dataplane)),
      sync_duration_(registry.histogram("pier_lb_sync_duration_seconds",
                                        "Time to compute, diff and apply one sync to the dataplane.", {"dataplane"},
                                        server::exponential_buckets(0.0001, 4, 10))),
      operations_(registry.counter("pier_lb_operations_total", "Operations sent to the dataplane, by kind and result.",
                                   {"dataplane", "kind", "result"})),
      errors_(registry.counter("pier_lb_sync_errors_total",
                               "Failures while syncing: reading the dataplane, applying to it, or talking to Kubernetes.",
                               {"dataplane", "stage"})),
      last_success_(registry.gauge("pier_lb_last_successful_sync_timestamp_seconds",
                                   "Unix time of the last sync that applied everything.", {"dataplane"})),
      rejected_(registry.gauge("pier_lb_rejected_entries", "ConfigMap entries and Services currently rejected.")),
      health_failures_(registry.counter("pier_lb_health_check_failures_total",
                                        "Failed health-check probes of a real server, by check kind.",
                                        {"vip", "vport", "protocol", "namespace", "service", "endpoint", "port", "check"})) {
  registry.add_collector([this](std::string& out) { out += expose_view(); });
  // Present from the start: a controller that never syncs shows as stale
  // (time() - 0) instead of showing nothing.
  last_success_.with({dataplane_}).set(0);
}

void LbMetrics::observe_sync(double seconds, bool ok, double wall_time_seconds) {
  sync_duration_.with({dataplane_}).observe(seconds);
  if (ok) last_success_.with({dataplane_}).set(wall_time_seconds);
}

void LbMetrics::count_operation(OperationKind kind, bool ok) {
  operations_.with({dataplane_, operation_kind_name(kind), ok ? "ok" : "error"}).inc();
}

void LbMetrics::count_error(std::string_view stage) { errors_.with({dataplane_, stage}).inc(); }

void LbMetrics::set_rejected(size_t count) { rejected_.with({}).set(static_cast<double>(count)); }

void LbMetrics::publish(ExportView view) {
  auto shared = std::make_shared<const ExportView>(std::move(view));
  std::lock_guard lock(mutex_);
  view_ = std::move(shared);
}

void LbMetrics::count_health_failure(const ServiceKey& key, const IpAddress& address, uint16_t port,
                                     std::string_view check) {
  std::shared_ptr<const ExportView> view;
  {
    std::lock_guard lock(mutex_);
    view = view_;
  }
  std::string owner;
  if (view) {
    // The controller publishes services in key order (from a std::map).
    auto it = std::lower_bound(view->services.begin(), view->services.end(), key,
                               [](const VirtualService& vs, const ServiceKey& k) { return vs.key < k; });
    if (it != view->services.end() && it->key == key) owner = it->owner.service;
  }
  std::string ns, service;
  if (auto slash = owner.find('/'); slash != std::string::npos) {
    ns = owner.substr(0, slash);
    service = owner.substr(slash + 1);
  }
  std::string vip = key.vip.text(), vport = std::to_string(key.port), endpoint = address.text(),
              endpoint_port = std::to_string(port);
  health_failures_.with({vip, vport, name(key.protocol), ns, service, endpoint, endpoint_port, check}).inc();
}

std::string LbMetrics::expose_view() const {
  std::shared_ptr<const ExportView> view;
  {
    std::lock_guard lock(mutex_);
    view = view_;
  }
  if (!view) return {};
  std::map<ServiceKey, const VirtualService*> by_key;
  for (const auto& vs : view->services) by_key.emplace(vs.key, &vs);
  std::map<ServiceKey, std::string> labels;
  for (const auto& vs : view->services) labels.emplace(vs.key, service_labels(vs));
  auto labels_of = [&](const ServiceKey& key) -> std::string {
    if (auto it = labels.find(key); it != labels.end()) return it->second;
    VirtualService bare;
    bare.key = key;
    return service_labels(bare);
  };

  std::string out;
  for (const auto& stat : kStats) {
    std::string name = std::string("lvs_service_stat_") + stat.suffix + "_total";
    write_metric_header(out, name, std::string(stat.help) + " by a virtual service, as the dataplane counts them.",
                        MetricType::kCounter);
    for (const auto& t : view->traffic)
      out += name + "{" + labels_of(t.key) + "} " + format_metric_value(static_cast<double>(t.counters.*stat.field)) + "\n";
  }
  for (const auto& stat : kStats) {
    std::string name = std::string("lvs_endpoint_stat_") + stat.suffix + "_total";
    write_metric_header(out, name, std::string(stat.help) + " by a real server of a virtual service.", MetricType::kCounter);
    for (const auto& t : view->traffic) {
      std::string service = labels_of(t.key);
      for (const auto& rs : t.real_servers)
        out += name + "{" + endpoint_labels(service, rs.address, rs.port) + "} " +
               format_metric_value(static_cast<double>(rs.counters.*stat.field)) + "\n";
    }
  }
  write_metric_header(out, "lvs_endpoint_weight", "Weight of a real server (0: drained or failing).", MetricType::kGauge);
  for (const auto& vs : view->services)
    for (const auto& rs : vs.real_servers)
      out += "lvs_endpoint_weight{" + endpoint_labels(labels.at(vs.key), rs.address, rs.port) + "} " +
             std::to_string(rs.weight) + "\n";
  write_metric_header(out, "lvs_service_ready_endpoints", "Real servers of a virtual service with a weight above 0.",
                      MetricType::kGauge);
  for (const auto& vs : view->services) {
    auto ready = std::count_if(vs.real_servers.begin(), vs.real_servers.end(), [](const RealServer& r) { return r.weight > 0; });
    out += "lvs_service_ready_endpoints{" + labels.at(vs.key) + "} " + std::to_string(ready) + "\n";
  }
  if (view->health_checked) {
    write_metric_header(out, "lvs_endpoint_up", "1 when a real server passes its health check, 0 when it fails it.",
                        MetricType::kGauge);
    for (const auto& vs : view->services) {
      auto down = view->down.find(vs.key);
      for (const auto& rs : vs.real_servers) {
        bool is_down = down != view->down.end() && down->second.contains({rs.address, rs.port});
        out += "lvs_endpoint_up{" + endpoint_labels(labels.at(vs.key), rs.address, rs.port) + "} " +
               (is_down ? "0" : "1") + "\n";
      }
    }
  }
  if (!view->announced.empty()) {
    write_metric_header(out, "pier_lb_vip_announced", "1 when the VIP is on the interface and announced.",
                        MetricType::kGauge);
    for (const auto& [vip, on] : view->announced)
      out += "pier_lb_vip_announced{vip=\"" + escape_label_value(vip.text()) + "\"} " + (on ? "1" : "0") + "\n";
  }
  return out;
}

}  // namespace pier::lb
