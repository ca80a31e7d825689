#include "lb/actual_update.h"

#include <algorithm>

namespace pier::lb {
namespace {

ActualService& service_for(Actual& actual, const Operation& op) {
  auto [it, added] = actual.services.try_emplace(op.service);
  ActualService& service = it->second;
  if (added) {
    service.key = op.service;
    service.owned = true;
  }
  return service;
}

}  // namespace

void apply_operation(Actual& actual, const Operation& op, std::chrono::steady_clock::time_point now) {
  switch (op.kind) {
    case OperationKind::kAddService:
    case OperationKind::kUpdateService: {
      ActualService& service = service_for(actual, op);
      service.scheduler = op.scheduler;
      service.forwarding = op.forwarding;
      service.persistence_seconds = op.persistence_seconds;
      return;
    }
    case OperationKind::kRemoveService:
      actual.services.erase(op.service);
      return;
    case OperationKind::kAddRealServer:
    case OperationKind::kUpdateRealServer: {
      ActualService& service = service_for(actual, op);
      auto& servers = service.real_servers;
      auto it = std::lower_bound(servers.begin(), servers.end(), op.server,
                                 [](const ActualRealServer& a, const RealServer& b) { return endpoint_less(a.server, b); });
      if (it == servers.end() || !same_endpoint(it->server, op.server)) it = servers.insert(it, ActualRealServer{});
      bool was_draining = it->server.weight == 0 && it->drain_started.has_value();
      it->server = op.server;
      if (op.server.weight == 0) {
        if (!was_draining) it->drain_started = now;
      } else {
        it->drain_started.reset();
      }
      return;
    }
    case OperationKind::kRemoveRealServer: {
      auto found = actual.services.find(op.service);
      if (found == actual.services.end()) return;
      auto& servers = found->second.real_servers;
      std::erase_if(servers, [&](const ActualRealServer& s) { return same_endpoint(s.server, op.server); });
      return;
    }
  }
}

std::vector<VirtualService> owned_virtual_services(const Actual& actual) {
  std::vector<VirtualService> out;
  for (const auto& [key, service] : actual.services) {
    if (!service.owned) continue;
    VirtualService vs;
    vs.key = key;
    vs.scheduler = service.scheduler;
    vs.forwarding = service.forwarding;
    vs.persistence_seconds = service.persistence_seconds;
    vs.real_servers.reserve(service.real_servers.size());
    for (const auto& s : service.real_servers) vs.real_servers.push_back(s.server);
    out.push_back(std::move(vs));
  }
  return out;
}

}  // namespace pier::lb
