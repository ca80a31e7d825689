// `pier lb`'s Prometheus metrics. The controller's own (sync duration,
// operations, errors, last success, rejected entries) are ordinary
// families; the per-service and per-real-server series (traffic counters
// read from the dataplane, weights, health, VIP announcement) are written
// from the latest view at each scrape, so a service that leaves takes its
// series with it instead of leaving them stale.
//
//   lb::LbMetrics metrics(server.metrics(), "ipvs");
//   metrics.observe_sync(0.004, true);
//   metrics.publish(view);   // after each sync / traffic read
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lb/dataplane.h"
#include "lb/desired_state.h"
#include "server/metrics.h"

namespace pier::lb {

// What the per-service series show, replaced as a whole.
struct ExportView {
  std::vector<VirtualService> services;      // desired, with the weights applied; sorted by key
  std::vector<ServiceTraffic> traffic;       // last read from the dataplane
  // Real servers failing their health check, by service: (address, port).
  std::map<ServiceKey, std::set<std::pair<IpAddress, uint16_t>>> down;
  bool health_checked = false;               // lvs_endpoint_up only when checks run
  std::map<IpAddress, bool> announced;       // VIP -> announced
};

class LbMetrics {
 public:
  LbMetrics(server::MetricsRegistry& registry, std::string dataplane);

  void observe_sync(double seconds, bool ok, double wall_time_seconds);
  void count_operation(OperationKind kind, bool ok);
  void count_error(std::string_view stage);  // "read", "apply", "kube"
  void set_rejected(size_t count);
  void publish(ExportView view);
  // One failed health-check probe of a real server (labelled from the
  // latest view, so the Service's name is on it).
  void count_health_failure(const ServiceKey& key, const IpAddress& address, uint16_t port, std::string_view check);

  // The text the collector appends (for tests).
  std::string expose_view() const;

 private:
  std::string dataplane_;
  server::MetricFamily<server::Histogram>& sync_duration_;
  server::MetricFamily<server::Counter>& operations_;
  server::MetricFamily<server::Counter>& errors_;
  server::MetricFamily<server::Gauge>& last_success_;
  server::MetricFamily<server::Gauge>& rejected_;
  server::MetricFamily<server::Counter>& health_failures_;
  mutable std::mutex mutex_;
  std::shared_ptr<const ExportView> view_;
};

std::string_view operation_kind_name(OperationKind kind);  // "add_real_server"

}  // namespace pier::lb
