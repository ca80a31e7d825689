#include "lb/controller_health.h"

#include <set>

#include "lb/health_state.h"

namespace pier::lb {
namespace {

std::string_view check_name(HealthCheckKind kind) {
  switch (kind) {
    case HealthCheckKind::kHttp: return "http";
    case HealthCheckKind::kMisc: return "misc";
    default: return "tcp";
  }
}

}  // namespace

ControllerHealth::ControllerHealth(HealthCheck check, ClusterInputs& inputs, ClusterFeedback& feedback,
                                   LbMetrics& metrics, server::Logger logger, HealthCheckerOptions checker_options)
    : check_(check), inputs_(inputs), feedback_(feedback), logger_(std::move(logger)) {
  checker_options.on_failed_probe = [&metrics](const RealServerId& id, HealthCheckKind kind) {
    metrics.count_health_failure(id.service, id.address, id.port, check_name(kind));
  };
  checker_ = std::make_unique<HealthChecker>(checker_options, [this](const HealthEvent& event) { changed(event); });
}

ControllerHealth::~ControllerHealth() { checker_->stop(); }

void ControllerHealth::add_to(ControllerHooks& hooks) {
  hooks.adjust_weights = [this](Desired& desired, std::span<const ServiceKey> only) {
    HealthView view = checker_->snapshot();
    if (only.empty()) {
      apply_health(desired, view);
      return;
    }
    // Only these services were recomputed from the cluster (without health).
    Desired part;
    for (const auto& key : only)
      if (auto it = desired.services.find(key); it != desired.services.end()) part.services.emplace(key, it->second);
    apply_health(part, view);
    for (auto& [key, vs] : part.services) desired.services[key] = std::move(vs);
  };
  hooks.failing = [this] {
    std::map<ServiceKey, std::set<std::pair<IpAddress, uint16_t>>> down;
    for (const auto& [id, entry] : checker_->snapshot())
      if (!entry.up) down[id.service].insert({id.address, id.port});
    return down;
  };
  hooks.desired_changed = [this](const Desired& desired) { follow(desired); };
}

void ControllerHealth::follow(const Desired& desired) {
  std::vector<HealthTarget> targets;
  std::map<ServiceKey, std::string> owners;
  for (const auto& [key, vs] : desired.services) {
    owners[key] = vs.owner.service;
    for (const auto& rs : vs.real_servers) targets.push_back({{key, rs.address, rs.port}, check_});
  }
  {
    std::lock_guard lock(mutex_);
    owners_ = std::move(owners);
  }
  checker_->set_targets(std::move(targets));
}

void ControllerHealth::changed(const HealthEvent& event) {
  // The weights come from a full recompute with the new view.
  inputs_.mark_all_changed();
  if (!event.transition) return;
  std::string owner;
  {
    std::lock_guard lock(mutex_);
    if (auto it = owners_.find(event.id.service); it != owners_.end()) owner = it->second;
  }
  logger_.warn(event.up ? "real server up" : "real server down", {{"real_server", event.id.text()}, {"reason", event.message}});
  EventNote note{.type = event.up ? "Normal" : "Warning",
                 .reason = event.up ? "RealServerUp" : "RealServerDown",
                 .message = event.id.text() + (event.up ? " passes its health check again: " : " fails its health check: ") +
                            event.message};
  if (auto slash = owner.find('/'); slash != std::string::npos) {
    note.kind = "Service";
    note.namespace_name = owner.substr(0, slash);
    note.name = owner.substr(slash + 1);
  } else if (!inputs_.options().configmap_name.empty()) {
    note.kind = "ConfigMap";
    note.namespace_name = inputs_.options().configmap_namespace;
    note.name = inputs_.options().configmap_name;
  } else {
    return;
  }
  if (auto recorded = feedback_.record(note); !recorded)
    logger_.warn("event not recorded", {{"real_server", event.id.text()}, {"error", recorded.error().message}});
}

}  // namespace pier::lb
