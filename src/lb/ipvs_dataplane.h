// The ipvs dataplane: the kernel's IPVS over generic netlink. It reads the
// kernel's whole table (foreign services included, so the diff can leave
// them alone), applies the core's operations one acknowledged request at a
// time (a refused one is reported and the rest still go), and reads the
// kernel's counters. Nothing is flushed, ever.
//
//   auto socket = lb::GenlSocket::open();
//   auto ipvs = lb::IpvsDataplane::open(std::move(*socket), "/var/lib/pier-lb/ipvs-owned.json");
//   auto actual = (*ipvs)->read_actual();
//
// The same code runs against the kernel and the tests' fake kernel: both sit
// behind NetlinkChannel and speak the bytes of ipvs_messages.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "lb/dataplane.h"
#include "lb/ipvs_messages.h"
#include "lb/netlink_channel.h"
#include "lb/owned_services.h"

namespace pier::lb {

class IpvsDataplane final : public Dataplane {
 public:
  // Resolves the "IPVS" family (an error naming `modprobe ip_vs` when the
  // kernel has none) and loads the ownership record.
  static Result<std::unique_ptr<IpvsDataplane>> open(std::unique_ptr<NetlinkChannel> channel,
                                                     std::filesystem::path ownership_file);

  std::string_view name() const override { return "ipvs"; }
  Result<Actual> read_actual() override;
  Result<std::optional<std::vector<ActualRealServer>>> read_real_servers(const ServiceKey& key) override;
  ApplyReport apply(std::span<const Operation> operations) override;
  Result<std::vector<ServiceTraffic>> read_traffic() override;

  uint16_t family() const { return family_; }

 private:
  IpvsDataplane(std::unique_ptr<NetlinkChannel> channel, uint16_t family, OwnedServices owned)
      : channel_(std::move(channel)), family_(family), owned_(std::move(owned)) {}

  struct KernelService {
    IpvsService service;
    DestDump dests;
  };
  // Every service the kernel has, with its destinations.
  Result<std::vector<KernelService>> dump();
  Result<DestDump> dump_dests(const ServiceKey& key);
  // Sends one request that asks for an ack and waits for it.
  Result<void> request(const std::vector<uint8_t>& message, uint32_t seq, const std::string& what);
  Result<void> apply_one(const Operation& operation);
  uint32_t next_seq() { return seq_++; }

  std::unique_ptr<NetlinkChannel> channel_;
  uint16_t family_;
  OwnedServices owned_;
  uint32_t seq_ = 1;
};

}  // namespace pier::lb
