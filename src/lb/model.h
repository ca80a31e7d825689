// The load balancer's vocabulary, shared by the ConfigMap parser, the
// desired-state computation, the diff and (later) every dataplane:
// a VirtualService is what IPVS calls a service (VIP, port, protocol,
// scheduler) with its real servers (address, port, weight).
//
//   lb::ServiceKey key{*lb::IpAddress::parse("10.1.3.225"), 80, lb::Protocol::kTcp};
//   key.text();   // "10.1.3.225:80/TCP"
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lb/address.h"

namespace pier::lb {

enum class Protocol : uint8_t { kTcp, kUdp };

// The kernel's IPVS schedulers (ipvsadm -s names).
enum class Scheduler : uint8_t { kRr, kWrr, kLc, kWlc, kLblc, kLblcr, kDh, kSh, kSed, kNq, kMh, kFo, kOvf, kTwos };

// How packets reach a real server. kFullNat (source and destination NAT, the
// seed's Alibaba LVS) needs an out-of-tree kernel patch; the stock kernel
// offers kNat (masquerade), kDr (direct routing) and kTun (IP-in-IP).
enum class Forwarding : uint8_t { kNat, kDr, kTun, kFullNat };

std::string_view name(Protocol protocol);      // "TCP", "UDP" (the Kubernetes spelling)
std::string_view name(Scheduler scheduler);    // "wlc"
std::string_view name(Forwarding forwarding);  // "nat", "dr", "tun", "fullnat"
std::optional<Protocol> parse_protocol(std::string_view text);  // tcp/TCP, udp/UDP
std::optional<Scheduler> parse_scheduler(std::string_view text);
std::optional<Forwarding> parse_forwarding(std::string_view text);

// One virtual service is identified by these three, as in IPVS.
struct ServiceKey {
  IpAddress vip;
  uint16_t port = 0;
  Protocol protocol = Protocol::kTcp;

  std::string text() const;  // "10.1.3.225:80/TCP", "[2001:db8::10]:443/TCP"
  auto operator<=>(const ServiceKey&) const = default;
};

struct RealServer {
  IpAddress address;
  uint16_t port = 0;
  // 0 = takes no new connections (a terminating endpoint draining).
  uint32_t weight = 1;

  std::string text() const;  // "10.1.0.130:80"
  bool operator==(const RealServer&) const = default;
};

// Real servers are kept sorted by this and unique in it: the diff walks two
// sorted lists side by side.
inline bool same_endpoint(const RealServer& a, const RealServer& b) { return a.address == b.address && a.port == b.port; }
inline bool endpoint_less(const RealServer& a, const RealServer& b) {
  if (a.address != b.address) return a.address < b.address;
  return a.port < b.port;
}

// Who asked for a virtual service: a ConfigMap key, a Service, or both (a
// ConfigMap key naming a Service). Metrics label traffic with `service`.
struct Owner {
  std::string configmap_key;  // "10.1.3.226", empty for a LoadBalancer Service
  std::string service;        // "gslb/nginx-ingress-controller-new-lb", empty for explicit real servers

  std::string text() const;  // "configmap key 10.1.3.226", "service shop/web"
  bool operator==(const Owner&) const = default;
};

struct VirtualService {
  ServiceKey key;
  Scheduler scheduler = Scheduler::kWlc;
  Forwarding forwarding = Forwarding::kNat;
  uint32_t persistence_seconds = 0;  // 0 = no persistence
  Owner owner;
  // The Service port this was made from (by name, "" for a single unnamed
  // port): endpoint changes re-resolve target ports through it.
  std::string service_port_name;
  std::vector<RealServer> real_servers;  // sorted by endpoint_less, unique

  bool operator==(const VirtualService&) const = default;
};

// A rejected input, reported (event, metric, log line) and skipped; the rest
// keeps working.
struct Problem {
  std::string key;     // what was rejected: "configmap key 10.1.3.226", "service shop/web"
  std::string reason;  // why, naming the other party in a conflict

  bool operator==(const Problem&) const = default;
};

}  // namespace pier::lb
