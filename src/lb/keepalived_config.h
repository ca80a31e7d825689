// The `keepalived` dataplane's renderer: desired virtual services ->
// keepalived.conf text. Pure (no I/O) and deterministic: the same settings
// and services give the same bytes, whatever their order, so the writer
// (keepalived_files.h) can compare and reload keepalived only on a change.
//
//   lb::KeepalivedSettings settings{.router_id = "lb1"};
//   settings.vrrp = lb::VrrpSettings{.interface = "eth0", .virtual_router_id = 51};
//   lb::RenderedKeepalived out = lb::render_keepalived_conf(settings, services);
//   for (const auto& p : out.problems) report(p);   // each left out alone
//   files.apply(out.text);
//
// What keepalived cannot express is left out with a Problem, never thrown:
// fullnat forwarding, a real server of the other address family, a DR/TUN
// real server on another port than the VIP's, a virtual service with no
// real server, a health check keepalived has no words for (rise > 1, a
// relative script path, a quote in a path).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lb/health_check_spec.h"
#include "lb/model.h"

namespace pier::lb {

// One VRRP instance that carries every VIP, so a standby node takes them
// over. state BACKUP + nopreempt on every node: a node that restarts or
// reloads never takes mastership back from the one holding it (what
// keepalived-vip users had to fight on each reload).
struct VrrpSettings {
  std::string interface;           // "eth0"; must exist and not be a loopback
  uint32_t virtual_router_id = 0;  // 1-255, the same on the nodes of one pair
  uint32_t priority = 100;         // 1-254
  uint32_t advert_int_seconds = 1;
  std::string instance_name = "pier_vips";

  bool operator==(const VrrpSettings&) const = default;
};

struct KeepalivedSettings {
  std::string router_id;              // global_defs router_id; empty = keepalived's (the host name)
  std::optional<VrrpSettings> vrrp;   // no vrrp_instance without it
  HealthCheck health_check;           // for every virtual service...
  std::map<ServiceKey, HealthCheck> health_check_overrides;  // ...but these
  // MISC_CHECK scripts run as this user (script security on: keepalived
  // refuses scripts that a non-root user could modify).
  std::string script_user = "nobody";
};

struct RenderedKeepalived {
  std::string text;               // the whole keepalived.conf
  std::vector<Problem> problems;  // what was left out, and why
};

RenderedKeepalived render_keepalived_conf(const KeepalivedSettings& settings,
                                          const std::vector<VirtualService>& desired);

// The settings' own problems (router_id, vrrp, script_user, the default
// health check and each override), for the controller to refuse to start
// on: render_keepalived_conf reports them too, but would leave every
// virtual service out over a bad default health check.
std::vector<Problem> check_keepalived_settings(const KeepalivedSettings& settings);

// The first line of every rendered file: no timestamp, so equal input gives
// equal bytes.
inline constexpr const char* kKeepalivedHeader = "# Written by pier lb; do not edit\n";

}  // namespace pier::lb
