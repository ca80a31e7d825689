// What `pier lb` tells the cluster: each LoadBalancer Service's
// status.loadBalancer.ingress, and a Kubernetes Event for each rejected
// entry and health change, where `kubectl describe` shows it.
//
//   lb::KubeFeedback feedback(client, inputs, {.node = "lvs-1"});
//   feedback.write_ingress("shop/web", ingress);     // only when it differs
//   feedback.record({.kind = "Service", .namespace_name = "shop", .name = "web",
//                    .type = "Warning", .reason = "VipConflict", .message = "..."});
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "kube/client.h"
#include "lb/cluster_inputs.h"

namespace pier::lb {

struct EventNote {
  std::string kind;  // "Service", "ConfigMap"
  std::string namespace_name;
  std::string name;
  std::string type = "Warning";  // or "Normal"
  std::string reason;            // CamelCase: "InvalidEntry", "VipConflict", "RealServerDown"
  std::string message;
};

class ClusterFeedback {
 public:
  virtual ~ClusterFeedback() = default;
  // "namespace/name" of a LoadBalancer Service and the ingress it should show.
  virtual Result<void> write_ingress(const std::string& service, const nlohmann::json& ingress) = 0;
  virtual Result<void> record(const EventNote& note) = 0;
};

struct KubeFeedbackOptions {
  std::string node;  // the LVS node's name: the Events' source host and reporting instance
};

class KubeFeedback final : public ClusterFeedback {
 public:
  KubeFeedback(kube::Client& client, const ClusterInputs& inputs, KubeFeedbackOptions options,
               Clock& clock = SystemClock::instance())
      : client_(client), inputs_(inputs), options_(std::move(options)), clock_(clock) {}

  // Reads the Service from the informer's cache; writes the status
  // subresource only when it differs. A conflict (someone changed the
  // Service meanwhile) is Retry::kYes: the next sync sees the new object.
  Result<void> write_ingress(const std::string& service, const nlohmann::json& ingress) override;
  Result<void> record(const EventNote& note) override;

 private:
  kube::Client& client_;
  const ClusterInputs& inputs_;
  KubeFeedbackOptions options_;
  Clock& clock_;
};

}  // namespace pier::lb
