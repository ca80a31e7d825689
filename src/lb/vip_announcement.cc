#include "lb/vip_announcement.h"

#include <set>

namespace pier::lb {

Result<std::unique_ptr<VipAnnouncement>> VipAnnouncement::open(const VipAnnouncementSettings& settings,
                                                              server::Logger logger) {
  auto a = std::unique_ptr<VipAnnouncement>(new VipAnnouncement(std::move(logger)));
  a->options_.withdraw_without_ready = settings.withdraw_without_ready;
  if (!settings.interface.empty()) {
    auto addresses = VipAddresses::open(settings.interface);
    if (!addresses) return fail(addresses.error());
    a->addresses_.emplace(std::move(*addresses));
  }
  if (!settings.bird_include.empty()) {
    if (settings.interface.empty())
      return fail(Error::invalid("--bird-include needs --vip-interface (the routes point at it)"));
    a->bird_settings_.interface = settings.interface;
    for (const auto& text : settings.preannounced) {
      auto prefix = VipPrefix::parse(text);
      if (!prefix) return fail(Error::invalid("--announce-prefix: '" + text + "' is not a CIDR prefix"));
      a->bird_settings_.preannounced.push_back(*prefix);
    }
    if (auto ok = check_bird_settings(a->bird_settings_); !ok) return fail(ok.error());
    a->bird_control_ = std::make_unique<BirdcControl>(settings.bird_socket);
    a->bird_ = std::make_unique<BirdAnnouncer>(settings.bird_include, *a->bird_control_);
  } else if (!settings.preannounced.empty()) {
    return fail(Error::invalid("--announce-prefix is for bird: it needs --bird-include"));
  }
  return a;
}

std::map<IpAddress, bool> VipAnnouncement::announce(const Desired& desired) {
  std::map<IpAddress, bool> state;
  std::vector<IpAddress> wanted = vips_to_announce(desired, options_);
  std::set<IpAddress> failed;
  if (addresses_) {
    auto report = addresses_->sync(wanted);
    if (!report) {
      logger_.warn("VIP addresses not synced", {{"error", report.error().message}});
      failed.insert(wanted.begin(), wanted.end());
    } else {
      for (const auto& f : report->failed) {
        logger_.warn("VIP address not changed", {{"vip", f.address.text()}, {"error", f.error.message}});
        failed.insert(f.address);
      }
    }
  }
  if (bird_) {
    auto applied = bird_->apply(render_bird_config(bird_settings_, wanted));
    if (!applied) {
      logger_.warn("bird not reconfigured", {{"error", applied.error().message}});
      failed.insert(wanted.begin(), wanted.end());
    }
  }
  for (const auto& [key, vs] : desired.services) state[key.vip] = false;
  for (const auto& vip : wanted) state[vip] = !failed.contains(vip);
  return state;
}

}  // namespace pier::lb
