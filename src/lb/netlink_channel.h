// One request/response conversation with the kernel over netlink: send a
// datagram, receive datagrams. The IPVS dataplane talks through this, so
// its code path is the same against the kernel (GenlSocket) and against the
// tests' fake kernel, which answers with the kernel's own reply layout.
//
//   auto socket = lb::GenlSocket::open();               // NETLINK_GENERIC
//   if (!socket) return fail(socket.error());
//   (*socket)->send(request);
//   auto datagram = (*socket)->receive();
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/error.h"

namespace pier::lb {

class NetlinkChannel {
 public:
  virtual ~NetlinkChannel() = default;
  virtual Result<void> send(std::span<const uint8_t> datagram) = 0;
  // The next datagram; an Error with Retry::kYes after the timeout.
  virtual Result<std::vector<uint8_t>> receive() = 0;
  // Drops datagrams still queued (answers to a conversation given up on),
  // so that the next one starts clean.
  virtual void discard_pending() = 0;
};

class GenlSocket final : public NetlinkChannel {
 public:
  // A NETLINK_GENERIC socket bound to a kernel-assigned port id, with
  // extended acks on and receives bounded by `timeout`.
  static Result<std::unique_ptr<GenlSocket>> open(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~GenlSocket() override;
  GenlSocket(const GenlSocket&) = delete;
  GenlSocket& operator=(const GenlSocket&) = delete;

  Result<void> send(std::span<const uint8_t> datagram) override;
  Result<std::vector<uint8_t>> receive() override;
  void discard_pending() override;

 private:
  GenlSocket(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  int fd_;
  std::chrono::milliseconds timeout_;
};

}  // namespace pier::lb
