// What `pier lb` reads from the cluster, through informers: its ConfigMap,
// every Service and every EndpointSlice; and which of them changed since
// the controller last looked, so that an endpoint change costs an
// incremental diff and only a Service or ConfigMap change a full one.
//
//   lb::ClusterInputs inputs(client, {.configmap_namespace = "kube-system", .configmap_name = "lvs"});
//   std::jthread informers([&](std::stop_token stop) { inputs.run(stop); });
//   if (!inputs.wait_for_sync(stop)) return;   // never act on a partial picture
//   auto changes = inputs.wait_for_changes(stop, std::chrono::seconds(10));
//   if (changes.full) desired = lb::compute_desired(inputs.snapshot(config));
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "kube/client.h"
#include "kube/informer.h"
#include "lb/desired_state.h"

namespace pier::lb {

struct ClusterInputsOptions {
  // The ConfigMap in the seed's format; empty name: none (Services only).
  std::string configmap_namespace = "kube-system";
  std::string configmap_name;
  // Every object delivered again at this interval (level-triggered safety
  // net against a missed change); 0 = none.
  std::chrono::milliseconds resync_period{0};
};

struct InputChanges {
  bool full = false;                         // the ConfigMap or a Service changed: compute_desired
  std::set<std::string> endpoint_services;   // "namespace/name" whose EndpointSlices changed
  bool empty() const { return !full && endpoint_services.empty(); }
};

class ClusterInputs {
 public:
  ClusterInputs(kube::Client& client, ClusterInputsOptions options, Clock& clock = SystemClock::instance());
  ~ClusterInputs();

  // Runs the three informers until stop is requested.
  void run(std::stop_token stop);
  bool wait_for_sync(std::stop_token stop) const;
  bool synced() const;

  // Blocks until something changed, `timeout` passed or stop is requested;
  // returns (and forgets) what changed meanwhile.
  InputChanges wait_for_changes(std::stop_token stop, std::chrono::milliseconds timeout);
  // Marks everything changed (after a failed sync: try it all again).
  void mark_all_changed();

  Snapshot snapshot(const Config& config) const;
  // The EndpointSlices of one Service; the pointers stay valid while the
  // returned owners live.
  std::vector<kube::ObjectPtr> slices_of(const std::string& service) const;
  kube::ObjectPtr service(const std::string& key) const;  // "namespace/name"
  kube::ObjectPtr configmap() const;

  const ClusterInputsOptions& options() const { return options_; }

  // Why an informer is not synced or not watching, if it failed last.
  std::optional<Error> last_error() const;

 private:
  void note(bool full, std::string endpoint_service = {});

  ClusterInputsOptions options_;
  std::unique_ptr<kube::Informer> configmaps_;
  std::unique_ptr<kube::Informer> services_;
  std::unique_ptr<kube::Informer> slices_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  InputChanges pending_;
};

}  // namespace pier::lb
