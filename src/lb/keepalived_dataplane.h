// The keepalived dataplane: keepalived owns IPVS and the health checks;
// Pier owns keepalived.conf. Operations update a mirror of what the file
// says, the whole file is rendered from it and written (and keepalived
// reloaded) only when its bytes change.
//
//   lb::PidFileReloader reloader("/run/keepalived.pid");
//   lb::KeepalivedFiles files("/etc/keepalived/keepalived.conf", reloader);
//   lb::KeepalivedDataplane keepalived(settings, files);
#pragma once

#include "lb/dataplane.h"
#include "lb/keepalived_config.h"
#include "lb/keepalived_files.h"

namespace pier::lb {

class KeepalivedDataplane final : public Dataplane {
 public:
  KeepalivedDataplane(KeepalivedSettings settings, KeepalivedFiles& files) : settings_(std::move(settings)), files_(files) {}

  std::string_view name() const override { return "keepalived"; }
  // The mirror: empty at start, so the first sync renders everything; an
  // unchanged file is then neither written nor reloaded (a restart does not
  // disturb keepalived).
  Result<Actual> read_actual() override { return mirror_; }
  ApplyReport apply(std::span<const Operation> operations) override;
  // keepalived keeps the counters in the kernel's IPVS; reading them is the
  // ipvs dataplane's job, so this reports none.
  Result<std::vector<ServiceTraffic>> read_traffic() override { return std::vector<ServiceTraffic>{}; }

 private:
  KeepalivedSettings settings_;
  KeepalivedFiles& files_;
  Actual mirror_;
};

}  // namespace pier::lb
