#include "lb/desired_state.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "kube/json_fields.h"
#include "lb/configmap_entries.h"
#include "lb/endpoint_slices.h"
#include "lb/vip_pool.h"

namespace pier::lb {

namespace {

using nlohmann::json;
namespace fields = kube::fields;
using fields::string_at;

std::string service_id(const json& service) {
  return string_at(service, {"metadata", "namespace"}) + "/" + string_at(service, {"metadata", "name"});
}

struct ServicePort {
  std::string name;
  uint16_t port = 0;
  Protocol protocol = Protocol::kTcp;
};

// The Service's ports; a port with an unsupported protocol (SCTP) is a
// Problem of `claimant` and left out.
std::vector<ServicePort> service_ports(const json& service, const std::string& claimant, std::vector<Problem>& problems) {
  std::vector<ServicePort> ports;
  const json* list = fields::find(service, {"spec", "ports"});
  if (!list || !list->is_array()) return ports;
  for (const json& p : *list) {
    ServicePort port;
    port.name = string_at(p, {"name"});
    const json* number = fields::find(p, {"port"});
    if (!number || !number->is_number_integer() || number->get<int64_t>() < 1 || number->get<int64_t>() > 65535) continue;
    port.port = static_cast<uint16_t>(number->get<int64_t>());
    std::string protocol = string_at(p, {"protocol"});
    auto parsed = parse_protocol(protocol.empty() ? "TCP" : protocol);
    if (!parsed) {
      problems.push_back({claimant, "port " + std::to_string(port.port) + ": protocol " + protocol + " is not supported (TCP, UDP)"});
      continue;
    }
    port.protocol = *parsed;
    ports.push_back(port);
  }
  return ports;
}

// A virtual service someone asks for; the lowest (rank, claimant) per key wins.
struct Claim {
  // 0: a ConfigMap VIP-PORT key (the most specific), 1: a ConfigMap VIP key,
  // 2: a LoadBalancer Service.
  int rank = 0;
  VirtualService service;
};

struct Builder {
  const Snapshot& snapshot;
  Desired desired;
  std::vector<Claim> claims;
  std::map<std::string, const json*> services;                   // "namespace/name"
  std::map<std::string, std::vector<const json*>> slices;       // by "namespace/service"

  VirtualService base(const IpAddress& vip, uint16_t port, Protocol protocol, const EntryOptions& options) const {
    VirtualService vs;
    vs.key = {vip, port, protocol};
    vs.scheduler = options.scheduler.value_or(snapshot.config.scheduler);
    vs.forwarding = options.forwarding.value_or(snapshot.config.forwarding);
    vs.persistence_seconds = options.persistence.value_or(0);
    return vs;
  }

  void claim_configmap_entry(const ConfigMapEntry& entry) {
    std::string claimant = "configmap key " + entry.key;
    if (entry.service.empty()) {
      VirtualService vs = base(entry.vip, entry.port, entry.options.protocol.value_or(Protocol::kTcp), entry.options);
      vs.owner.configmap_key = entry.key;
      vs.real_servers = entry.real_servers;
      claims.push_back({0, std::move(vs)});  // explicit real servers always have a VIP-PORT key
      return;
    }
    auto found = services.find(entry.service);
    if (found == services.end()) {
      desired.problems.push_back({claimant, "service " + entry.service + " does not exist"});
      return;
    }
    auto ports = service_ports(*found->second, claimant, desired.problems);
    if (ports.empty()) {
      desired.problems.push_back({claimant, "service " + entry.service + " has no ports"});
      return;
    }
    std::vector<std::pair<uint16_t, ServicePort>> chosen;  // VIP port, Service port
    if (entry.options.same_ports) {
      for (const auto& port : ports) chosen.push_back({port.port, port});
    } else {
      const std::string& wanted = entry.options.service_port;
      auto matches = [&](const ServicePort& p) {
        if (!wanted.empty()) return p.name == wanted || std::to_string(p.port) == wanted;
        return p.port == entry.port;
      };
      auto it = std::find_if(ports.begin(), ports.end(), matches);
      if (it == ports.end() && wanted.empty() && ports.size() == 1) it = ports.begin();
      if (it == ports.end()) {
        desired.problems.push_back(
            {claimant, wanted.empty() ? "service " + entry.service + " has several ports and none is " +
                                            std::to_string(entry.port) + "; choose one with port="
                                      : "service " + entry.service + " has no port " + wanted});
        return;
      }
      chosen.push_back({entry.port, *it});
    }
    for (const auto& [vip_port, port] : chosen) {
      VirtualService vs = base(entry.vip, vip_port, port.protocol, entry.options);
      vs.owner = {entry.key, entry.service};
      vs.service_port_name = port.name;
      claims.push_back({entry.port != 0 ? 0 : 1, std::move(vs)});
    }
  }

  bool ours(const json& service) const {
    if (string_at(service, {"spec", "type"}) != "LoadBalancer") return false;
    std::string cls = string_at(service, {"spec", "loadBalancerClass"});
    return cls.empty() || cls == snapshot.config.load_balancer_class;
  }

  // The LoadBalancer Services: VIPs named by the annotation or
  // spec.loadBalancerIP first, then the ones they already have from the
  // pool (status), then new ones from the pool in namespace/name order.
  void claim_load_balancers(const std::set<IpAddress>& configmap_vips) {
    auto allocator = VipAllocator::create(snapshot.config.vip_pool);
    if (!allocator) desired.problems.push_back({"config vip_pool", allocator.error().message});
    for (const IpAddress& vip : configmap_vips)
      if (allocator) allocator->reserve(vip);

    std::map<std::string, std::optional<IpAddress>> vips;  // ordered by namespace/name
    for (const auto& [id, service] : services) {
      if (!ours(*service)) continue;
      desired.ingress[id] = json::array();
      std::string claimant = "service " + id;
      std::string named = string_at(*service, {"metadata", "annotations", kVipAnnotation});
      if (named.empty()) named = string_at(*service, {"spec", "loadBalancerIP"});
      if (named.empty()) {
        vips[id] = std::nullopt;
        continue;
      }
      auto vip = IpAddress::parse(named);
      if (!vip) {
        desired.problems.push_back({claimant, "'" + named + "' is not a valid IP address"});
        continue;
      }
      vips[id] = *vip;
      if (allocator) allocator->reserve(*vip);
    }
    for (auto& [id, vip] : vips) {
      if (vip || !allocator) continue;
      const json* list = fields::find(*services[id], {"status", "loadBalancer", "ingress"});
      if (!list || !list->is_array() || list->empty()) continue;
      auto current = IpAddress::parse(string_at(list->front(), {"ip"}));
      if (current && allocator->contains(*current) && !allocator->reserved(*current)) {
        allocator->reserve(*current);
        vip = *current;
      }
    }
    for (auto& [id, vip] : vips) {
      const json& service = *services[id];
      std::string claimant = "service " + id;
      // Ports first: a Service without usable ports takes no address from the pool.
      auto ports = service_ports(service, claimant, desired.problems);
      if (ports.empty()) {
        desired.problems.push_back({claimant, "has no ports"});
        continue;
      }
      if (!vip) {
        if (!allocator) continue;
        // The Service's first IP family decides the VIP's (IPv4 by default).
        const json* families = fields::find(service, {"spec", "ipFamilies"});
        bool v6 = families && families->is_array() && !families->empty() && families->front() == "IPv6";
        vip = allocator->allocate(v6 ? Family::kV6 : Family::kV4);
        if (!vip) {
          desired.problems.push_back({claimant, std::string("the VIP pool has no free ") + (v6 ? "IPv6" : "IPv4") + " address"});
          continue;
        }
      }
      for (const auto& port : ports) {
        VirtualService vs = base(*vip, port.port, port.protocol, EntryOptions{});
        vs.owner.service = id;
        vs.service_port_name = port.name;
        claims.push_back({2, std::move(vs)});
      }
    }
  }

  void settle_claims() {
    std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
      return std::tie(a.service.key, a.rank, a.service.owner.configmap_key, a.service.owner.service) <
             std::tie(b.service.key, b.rank, b.service.owner.configmap_key, b.service.owner.service);
    });
    const VirtualService* winner = nullptr;
    for (Claim& claim : claims) {
      if (winner && winner->key == claim.service.key) {
        desired.problems.push_back({claim.service.owner.text(), claim.service.key.text() + " is already claimed by " +
                                                                    winner->owner.text()});
        continue;
      }
      VirtualService& vs = desired.services.emplace_hint(desired.services.end(), claim.service.key, std::move(claim.service))->second;
      winner = &vs;
      if (vs.owner.service.empty()) continue;
      desired.by_service[vs.owner.service].push_back(vs.key);
      if (vs.owner.configmap_key.empty()) desired.ingress[vs.owner.service] = json::array({{{"ip", vs.key.vip.text()}}});
      auto found = slices.find(vs.owner.service);
      if (found != slices.end())
        vs.real_servers = real_servers_for(found->second, vs.service_port_name, vs.key.protocol, vs.key.vip.family,
                                           snapshot.config.weight);
    }
  }
};

}  // namespace

Desired compute_desired(const Snapshot& snapshot) {
  Builder b{snapshot, {}, {}, {}, {}};
  for (const json& service : snapshot.services) b.services[service_id(service)] = &service;
  for (const json& slice : snapshot.endpoint_slices)
    if (std::string id = slice_service(slice); !id.empty()) b.slices[id].push_back(&slice);

  ParsedConfigMap parsed = parse_configmap(snapshot.configmap);
  b.desired.problems = std::move(parsed.problems);
  std::set<IpAddress> configmap_vips;
  for (const auto& entry : parsed.entries) {
    configmap_vips.insert(entry.vip);
    b.claim_configmap_entry(entry);
  }
  b.claim_load_balancers(configmap_vips);
  b.settle_claims();
  return std::move(b.desired);
}

std::vector<ServiceKey> refresh_endpoints(Desired& desired, const std::string& service,
                                          const std::vector<const json*>& slices, const Config& config) {
  std::vector<ServiceKey> changed;
  auto keys = desired.by_service.find(service);
  if (keys == desired.by_service.end()) return changed;
  for (const ServiceKey& key : keys->second) {
    auto vs = desired.services.find(key);
    if (vs == desired.services.end()) continue;
    auto servers = real_servers_for(slices, vs->second.service_port_name, key.protocol, key.vip.family, config.weight);
    if (servers == vs->second.real_servers) continue;
    vs->second.real_servers = std::move(servers);
    changed.push_back(key);
  }
  return changed;
}

}  // namespace pier::lb
