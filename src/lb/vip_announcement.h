// The controller's announcement step: after each sync, the VIPs that should
// be announced go on the interface (VipAddresses) and into bird's include
// file (BirdAnnouncer), each optional; what worked is reported per VIP for
// pier_lb_vip_announced.
//
//   auto announcement = lb::VipAnnouncement::open({.interface = "pier-vips", .bird_include = "/etc/bird/pier-vips.conf"});
//   hooks.announce = [&](const lb::Desired& d) { return (*announcement)->announce(d); };
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lb/bird_announcer.h"
#include "lb/bird_config.h"
#include "lb/desired_state.h"
#include "lb/vip_addresses.h"
#include "server/json_log.h"

namespace pier::lb {

struct VipAnnouncementSettings {
  std::string interface;                      // "" = no addresses
  std::filesystem::path bird_include;         // "" = no bird
  std::string bird_socket = "/run/bird/bird.ctl";
  std::vector<std::string> preannounced;      // prefixes, CIDR
  bool withdraw_without_ready = false;
};

class VipAnnouncement {
 public:
  // kInvalidInput for settings that cannot work (bird without an
  // interface, a bad prefix); kNotFound for a missing interface.
  static Result<std::unique_ptr<VipAnnouncement>> open(const VipAnnouncementSettings& settings, server::Logger logger);

  bool enabled() const { return addresses_.has_value() || bird_ != nullptr; }
  // VIP -> announced (false: withdrawn, or its address or bird failed).
  std::map<IpAddress, bool> announce(const Desired& desired);

 private:
  explicit VipAnnouncement(server::Logger logger) : logger_(std::move(logger)) {}

  server::Logger logger_;
  AnnounceOptions options_;
  std::optional<VipAddresses> addresses_;
  BirdSettings bird_settings_;
  std::unique_ptr<BirdcControl> bird_control_;
  std::unique_ptr<BirdAnnouncer> bird_;
};

}  // namespace pier::lb
