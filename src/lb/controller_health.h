// Pier's own health checks inside the controller (ipvs and nftables
// dataplanes; keepalived runs its own): the checker follows the desired
// real servers, its view lowers weights, a transition triggers a full sync
// and becomes a Kubernetes Event and a log line, and every failed probe is
// counted.
//
//   lb::ControllerHealth health(check, inputs, feedback, metrics, logger);
//   lb::ControllerHooks hooks;
//   health.add_to(hooks);
//   lb::LbController controller(..., hooks);
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "lb/cluster_feedback.h"
#include "lb/cluster_inputs.h"
#include "lb/health_checker.h"
#include "lb/lb_controller.h"
#include "lb/lb_metrics.h"
#include "server/json_log.h"

namespace pier::lb {

class ControllerHealth {
 public:
  // `checker_options.on_failed_probe` is set here (the metric); the prober
  // and clock may be injected through the rest.
  ControllerHealth(HealthCheck check, ClusterInputs& inputs, ClusterFeedback& feedback, LbMetrics& metrics,
                   server::Logger logger, HealthCheckerOptions checker_options = {});
  ~ControllerHealth();

  // Sets adjust_weights, failing and desired_changed.
  void add_to(ControllerHooks& hooks);

 private:
  void follow(const Desired& desired);
  void changed(const HealthEvent& event);

  HealthCheck check_;
  ClusterInputs& inputs_;
  ClusterFeedback& feedback_;
  server::Logger logger_;
  std::mutex mutex_;
  std::map<ServiceKey, std::string> owners_;  // "namespace/name" of the Service feeding each
  std::unique_ptr<HealthChecker> checker_;    // stopped first by the destructor
};

}  // namespace pier::lb
