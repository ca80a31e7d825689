#include "lb/reconcile_diff.h"

namespace pier::lb {

namespace {

Operation operation(OperationKind kind, const ServiceKey& key, Scheduler scheduler, Forwarding forwarding,
                    uint32_t persistence, const RealServer& server = {}) {
  return Operation{kind, key, scheduler, forwarding, persistence, server};
}

Operation operation(OperationKind kind, const VirtualService& vs, const RealServer& server = {}) {
  return operation(kind, vs.key, vs.scheduler, vs.forwarding, vs.persistence_seconds, server);
}

Operation operation(OperationKind kind, const ActualService& as, const RealServer& server = {}) {
  return operation(kind, as.key, as.scheduler, as.forwarding, as.persistence_seconds, server);
}

// A real server Pier no longer wants: stop new connections (weight 0), then
// delete it once its connections are gone or the drain deadline passed.
// Returns true when it is still draining.
bool leave(const ActualService& as, const ActualRealServer& rs, const DiffOptions& options, std::vector<Operation>& out) {
  if (rs.active_connections == 0) {
    out.push_back(operation(OperationKind::kRemoveRealServer, as, rs.server));
    return false;
  }
  if (rs.server.weight != 0) {
    RealServer drained = rs.server;
    drained.weight = 0;
    out.push_back(operation(OperationKind::kUpdateRealServer, as, drained));
    return true;
  }
  if (rs.drain_started && options.now - *rs.drain_started >= options.drain_timeout) {
    out.push_back(operation(OperationKind::kRemoveRealServer, as, rs.server));
    return false;
  }
  return true;
}

// The real servers of one virtual service: both lists are sorted, walk them together.
void diff_real_servers(const VirtualService& vs, const ActualService& as, const DiffOptions& options, DiffResult& out) {
  auto want = vs.real_servers.begin();
  auto have = as.real_servers.begin();
  while (want != vs.real_servers.end() || have != as.real_servers.end()) {
    if (have == as.real_servers.end() || (want != vs.real_servers.end() && endpoint_less(*want, have->server))) {
      out.operations.push_back(operation(OperationKind::kAddRealServer, vs, *want++));
    } else if (want == vs.real_servers.end() || endpoint_less(have->server, *want)) {
      if (leave(as, *have, options, out.operations)) ++out.draining;
      ++have;
    } else {
      if (want->weight != have->server.weight) out.operations.push_back(operation(OperationKind::kUpdateRealServer, vs, *want));
      ++want;
      ++have;
    }
  }
}

void diff_one(const VirtualService* vs, const ActualService* as, const DiffOptions& options, DiffResult& out) {
  if (as && !as->owned) {
    if (vs) out.problems.push_back({vs->owner.text(), vs->key.text() + " exists and is not Pier's; left alone"});
    return;
  }
  if (vs && !as) {
    out.operations.push_back(operation(OperationKind::kAddService, *vs));
    for (const RealServer& rs : vs->real_servers) out.operations.push_back(operation(OperationKind::kAddRealServer, *vs, rs));
    return;
  }
  if (vs) {
    if (vs->scheduler != as->scheduler || vs->forwarding != as->forwarding ||
        vs->persistence_seconds != as->persistence_seconds)
      out.operations.push_back(operation(OperationKind::kUpdateService, *vs));
    diff_real_servers(*vs, *as, options, out);
    return;
  }
  // Not wanted any more: drain every real server; the service goes with the last.
  size_t first = out.operations.size();
  size_t draining = 0;
  for (const auto& rs : as->real_servers)
    if (leave(*as, rs, options, out.operations)) ++draining;
  out.draining += draining;
  if (draining == 0) {
    // Deleting the service deletes its real servers with it.
    out.operations.resize(first);
    out.operations.push_back(operation(OperationKind::kRemoveService, *as));
  }
}

}  // namespace

DiffResult diff(const Desired& desired, const Actual& actual, const DiffOptions& options) {
  DiffResult out;
  auto want = desired.services.begin();
  auto have = actual.services.begin();
  while (want != desired.services.end() || have != actual.services.end()) {
    if (have == actual.services.end() || (want != desired.services.end() && want->first < have->first)) {
      diff_one(&want->second, nullptr, options, out);
      ++want;
    } else if (want == desired.services.end() || have->first < want->first) {
      diff_one(nullptr, &have->second, options, out);
      ++have;
    } else {
      diff_one(&want->second, &have->second, options, out);
      ++want;
      ++have;
    }
  }
  return out;
}

DiffResult diff(const Desired& desired, const Actual& actual, const DiffOptions& options,
                std::span<const ServiceKey> keys) {
  DiffResult out;
  for (const ServiceKey& key : keys) {
    auto want = desired.services.find(key);
    auto have = actual.services.find(key);
    diff_one(want == desired.services.end() ? nullptr : &want->second,
             have == actual.services.end() ? nullptr : &have->second, options, out);
  }
  return out;
}

std::string Operation::text() const {
  std::string service_text = service.text();
  std::string attributes = " (" + std::string(name(scheduler)) + ", " + std::string(name(forwarding)) +
                           (persistence_seconds ? ", persist " + std::to_string(persistence_seconds) + "s" : "") + ")";
  std::string server_text = server.text() + " weight " + std::to_string(server.weight);
  switch (kind) {
    case OperationKind::kAddService: return "add service " + service_text + attributes;
    case OperationKind::kUpdateService: return "update service " + service_text + attributes;
    case OperationKind::kRemoveService: return "remove service " + service_text;
    case OperationKind::kAddRealServer: return "add real server " + server_text + " to " + service_text;
    case OperationKind::kUpdateRealServer: return "set real server " + server_text + " of " + service_text;
    case OperationKind::kRemoveRealServer: return "remove real server " + server.text() + " from " + service_text;
  }
  return "?";
}

}  // namespace pier::lb
