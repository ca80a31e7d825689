#include "lb/health_state.h"

#include <algorithm>

namespace pier::lb {

std::string_view name(Health health) {
  switch (health) {
    case Health::kUnknown: return "unknown";
    case Health::kUp: return "up";
    case Health::kDown: return "down";
  }
  return "unknown";
}

std::optional<HealthTransition> observe(ServerHealth& state, const ProbeResult& result, const HealthCheck& check) {
  state.last_message = result.message;
  if (result.up) {
    state.consecutive_failures = 0;
    ++state.consecutive_successes;
    state.dynamic_weight = result.weight;
    if (state.health == Health::kUnknown) {
      // It was already counted as up: confirming it changes nothing outside.
      state.health = Health::kUp;
      return std::nullopt;
    }
    if (state.health == Health::kDown && state.consecutive_successes >= std::max<uint32_t>(check.rise, 1)) {
      state.health = Health::kUp;
      return HealthTransition{.up = true, .message = result.message};
    }
    return std::nullopt;
  }
  state.consecutive_successes = 0;
  ++state.consecutive_failures;
  if (state.health != Health::kDown && state.consecutive_failures >= std::max<uint32_t>(check.fall, 1)) {
    state.health = Health::kDown;
    return HealthTransition{.up = false, .message = result.message};
  }
  return std::nullopt;
}

bool retry_soon(const ServerHealth& state) {
  return state.health != Health::kDown && state.consecutive_failures > 0;
}

std::string RealServerId::text() const { return address.text_with_port(port) + " of " + service.text(); }

uint32_t effective_weight(uint32_t desired_weight, const HealthEntry* entry) {
  if (desired_weight == 0 || entry == nullptr) return desired_weight;
  if (!entry->up) return 0;
  return entry->weight.value_or(desired_weight);
}

namespace {

// The view's entries of one service: a contiguous range, since RealServerId
// orders by service first.
HealthView::const_iterator first_of(const HealthView& health, const ServiceKey& key) {
  return health.lower_bound(RealServerId{.service = key, .address = IpAddress{}, .port = 0});
}

RealServer* find_server(std::vector<RealServer>& servers, const IpAddress& address, uint16_t port) {
  RealServer probe{.address = address, .port = port, .weight = 0};
  auto it = std::lower_bound(servers.begin(), servers.end(), probe, endpoint_less);
  if (it == servers.end() || !same_endpoint(*it, probe)) return nullptr;
  return &*it;
}

// Sets the weights of `service`'s checked real servers from their desired
// ones (already in `service`). True when a weight changed.
bool apply_to_service(VirtualService& service, const HealthView& health) {
  bool changed = false;
  for (auto it = first_of(health, service.key); it != health.end() && it->first.service == service.key; ++it) {
    RealServer* server = find_server(service.real_servers, it->first.address, it->first.port);
    if (server == nullptr) continue;  // checked, but no longer desired: the checker's targets lag a little
    uint32_t weight = effective_weight(server->weight, &it->second);
    if (weight != server->weight) {
      server->weight = weight;
      changed = true;
    }
  }
  return changed;
}

}  // namespace

std::vector<ServiceKey> apply_health(Desired& desired, const HealthView& health) {
  std::vector<ServiceKey> changed;
  auto it = health.begin();
  while (it != health.end()) {
    const ServiceKey key = it->first.service;
    if (auto found = desired.services.find(key); found != desired.services.end()) {
      if (apply_to_service(found->second, health)) changed.push_back(key);
    }
    while (it != health.end() && it->first.service == key) ++it;
  }
  return changed;  // sorted: the view is walked in key order
}

std::vector<ServiceKey> reapply_health(const Desired& base, Desired& effective, const HealthView& health,
                                       std::span<const ServiceKey> keys) {
  std::vector<ServiceKey> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

  std::vector<ServiceKey> changed;
  for (const ServiceKey& key : sorted) {
    auto from = base.services.find(key);
    auto to = effective.services.find(key);
    if (from == base.services.end()) {
      if (to != effective.services.end()) {
        effective.services.erase(to);
        changed.push_back(key);
      }
      continue;
    }
    VirtualService service = from->second;
    apply_to_service(service, health);
    if (to == effective.services.end()) {
      effective.services.emplace(key, std::move(service));
      changed.push_back(key);
    } else if (!(to->second == service)) {
      to->second = std::move(service);
      changed.push_back(key);
    }
  }
  return changed;
}

}  // namespace pier::lb
