// A stand-in for the kernel's IPVS behind NetlinkChannel, for tests on a
// kernel without IPVS. It decodes each request from its bytes, keeps the
// table as ip_vs_ctl.c does (EEXIST for a service or destination that
// exists, ESRCH for a missing service, ENOENT for a missing destination),
// acknowledges NLM_F_ACK requests and answers dumps in the kernel's reply
// layout (encode_service_reply / encode_dest_reply, several messages per
// datagram, then NLMSG_DONE).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "lb/ipvs_messages.h"
#include "lb/netlink_channel.h"

namespace pier::lb::testing {

struct FakeIpvsTable {
  // Held while a request is handled: a test may look at the table while a
  // controller thread talks to the fake kernel.
  std::mutex mutex;
  struct Service {
    IpvsService service;
    std::vector<IpvsDest> dests;
  };
  std::map<ServiceKey, Service> services;
  // Requests received by command (IPVS_CMD_*).
  std::map<uint8_t, int> requests;
  // The next request with this command fails with this errno, once.
  std::map<uint8_t, int> fail_next;
  bool has_ipvs = true;
};

class FakeIpvsKernel final : public NetlinkChannel {
 public:
  static constexpr uint16_t kFamily = 0x2a;
  // Shares the table: a "restart" opens a new channel on the same kernel.
  explicit FakeIpvsKernel(FakeIpvsTable& table, size_t messages_per_datagram = 3)
      : table_(table), per_datagram_(messages_per_datagram) {}

  Result<void> send(std::span<const uint8_t> datagram) override;
  Result<std::vector<uint8_t>> receive() override;
  void discard_pending() override { queue_.clear(); }

 private:
  void handle(uint16_t type, uint16_t flags, uint32_t seq, std::span<const uint8_t> payload);
  void ack(uint32_t seq, int error);
  int execute(uint8_t command, std::span<const uint8_t> attributes);

  FakeIpvsTable& table_;
  size_t per_datagram_;
  std::deque<std::vector<uint8_t>> queue_;
};

}  // namespace pier::lb::testing
