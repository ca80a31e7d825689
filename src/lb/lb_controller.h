// The `pier lb` control loop: from the cluster's state (ClusterInputs) to
// the dataplane, with the cluster told what happened (ClusterFeedback) and
// everything counted (LbMetrics).
//
//   lb::LbController controller(inputs, dataplane, feedback, metrics, logger, options);
//   std::jthread loop([&](std::stop_token stop) { controller.run(stop); });
//
// How it behaves:
//   - Nothing is applied before every informer has synced: a restart while
//     the API server is away leaves the dataplane as it was.
//   - The first sync reads the dataplane's state and changes only what
//     differs (a restart into an identical state applies nothing).
//   - A Service or ConfigMap change recomputes everything; an EndpointSlice
//     change recomputes and diffs only that Service's virtual services.
//   - A failed operation is reported and retried with backoff; the rest of
//     the diff is applied. A failure that says the view is stale re-reads
//     the dataplane first.
//   - When the API server is unreachable the informers keep their last
//     picture and retry; the dataplane keeps its last good state.
//   - Stopping leaves the dataplane as it is: traffic keeps flowing while
//     the controller is down.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "lb/cluster_feedback.h"
#include "lb/cluster_inputs.h"
#include "lb/dataplane.h"
#include "lb/lb_metrics.h"
#include "server/json_log.h"

namespace pier::lb {

struct ControllerOptions {
  Config config;
  std::chrono::seconds drain_timeout{300};
  // A full recompute and re-read of the dataplane at least this often.
  std::chrono::milliseconds resync_period{std::chrono::minutes(5)};
  // How often the loop wakes without a change: traffic counters, drains.
  std::chrono::milliseconds tick{std::chrono::seconds(5)};
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(30)};
};

// Optional parts wired in by `pier lb`: health checks adjust the desired
// weights, the announcer puts VIPs on the interface and into bird.
struct ControllerHooks {
  // Lowers the weights of failing real servers; `only` empty = every service.
  std::function<void(Desired& desired, std::span<const ServiceKey> only)> adjust_weights;
  // Real servers failing their checks, for lvs_endpoint_up; empty when no checks run.
  std::function<std::map<ServiceKey, std::set<std::pair<IpAddress, uint16_t>>>()> failing;
  // After a sync that changed the desired state (health-check targets follow it).
  std::function<void(const Desired& desired)> desired_changed;
  // After each sync, with the desired state as applied; returns VIP -> announced.
  std::function<std::map<IpAddress, bool>(const Desired& desired)> announce;
};

class LbController {
 public:
  LbController(ClusterInputs& inputs, Dataplane& dataplane, ClusterFeedback& feedback, LbMetrics& metrics,
               server::Logger logger, ControllerOptions options, ControllerHooks hooks = {},
               Clock& clock = SystemClock::instance());

  void run(std::stop_token stop);

  // Synced and the last sync applied everything (for /readyz).
  bool ready() const { return ready_.load(); }
  // Completed syncs (for tests and the log).
  uint64_t syncs() const { return syncs_.load(); }

 private:
  struct Plan {
    DiffResult diff;
    bool full = false;
  };
  Result<void> read_dataplane();
  Plan plan(const InputChanges& changes, bool full);
  // Pier's services that are leaving or have real servers at weight 0.
  std::vector<ServiceKey> draining_keys() const;
  // Fresh real servers (active connections) of these services from the dataplane.
  void refresh_actual(std::span<const ServiceKey> keys);
  bool apply(const Plan& plan);
  void report_problems(const std::vector<Problem>& problems);
  bool write_statuses();
  void publish();

  ClusterInputs& inputs_;
  Dataplane& dataplane_;
  ClusterFeedback& feedback_;
  LbMetrics& metrics_;
  server::Logger logger_;
  ControllerOptions options_;
  ControllerHooks hooks_;
  Clock& clock_;

  Desired desired_;
  Actual actual_;
  std::set<std::pair<std::string, std::string>> reported_;  // (key, reason) already sent as Events
  std::vector<ServiceTraffic> traffic_;
  std::chrono::steady_clock::time_point last_full_{};
  std::chrono::steady_clock::time_point last_traffic_{};
  bool reread_ = true;
  size_t draining_ = 0;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> syncs_{0};
};

}  // namespace pier::lb
