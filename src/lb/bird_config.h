// bird2's include file that announces the VIPs by OSPF: two static
// protocols (IPv4 and IPv6) holding a host route per VIP, or a configured
// pre-announced prefix plus only the VIPs outside it. Pure and
// deterministic: the same VIPs always give the same bytes, so the file is
// rewritten (and bird reconfigured) only on a real change.
//
//   lb::BirdSettings settings{.interface = "pier-vips"};
//   settings.preannounced.push_back(*lb::VipPrefix::parse("10.1.3.0/24"));
//   if (auto ok = lb::check_bird_settings(settings); !ok) return ok.error();
//   std::string text = lb::render_bird_config(settings, lb::vips_to_announce(desired));
//
// bird.conf includes the file and lets OSPF export the protocols' routes:
//
//   include "/etc/bird/pier-lb-vips.conf";
//   protocol ospf v2 { ipv4 { export where proto = "pier_lb_vips"; }; area 0 { ... }; }
//   protocol ospf v3 { ipv6 { export where proto = "pier_lb_vips6"; }; area 0 { ... }; }
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "lb/address.h"

namespace pier::lb {

// An address prefix such as 10.1.3.0/24 or 2001:db8:3::/64; host bits zero.
struct VipPrefix {
  IpAddress network;
  uint8_t length = 0;

  // "10.1.3.0/24"; nullopt when malformed or when host bits are set
  // ("10.1.3.1/24" is a typo for an address or a prefix: refused).
  static std::optional<VipPrefix> parse(std::string_view text);
  std::string text() const;
  bool contains(const IpAddress& address) const;

  auto operator<=>(const VipPrefix&) const = default;
};

struct BirdSettings {
  // The interface the VIPs are on: each route is `via "INTERFACE"`, so it is
  // announced only while that interface is up.
  std::string interface;
  // The bird protocol names that bird.conf's OSPF export filters name.
  std::string ipv4_protocol = "pier_lb_vips";
  std::string ipv6_protocol = "pier_lb_vips6";
  // Announced always, whatever the VIPs; VIPs inside one are not announced
  // one by one, so adding or removing them does not change OSPF at all.
  std::vector<VipPrefix> preannounced;
};

// For the controller's start-up: an interface name bird can quote, protocol
// names that are bird symbols and distinct.
Result<void> check_bird_settings(const BirdSettings& settings);

// The include file: header `# Written by pier lb; do not edit`, then
// `protocol static IPV4_PROTOCOL { ipv4; route P via "IF"; ... }` and the
// same for IPv6, routes sorted; a VIP covered by a pre-announced prefix of
// its family is a comment under that prefix instead of a route. VIPs need
// not be sorted or unique. Settings must pass check_bird_settings.
std::string render_bird_config(const BirdSettings& settings, std::span<const IpAddress> vips);

}  // namespace pier::lb
