#include "lb/netlink_channel.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pier::lb {
namespace {

Error socket_error(std::string_view what, int error) {
  Retry retry = (error == EINTR || error == EAGAIN || error == ENOBUFS || error == ENOMEM) ? Retry::kYes : Retry::kNo;
  return Error::make(error == EPERM || error == EACCES ? ErrorCode::kDenied : ErrorCode::kUnavailable,
                     std::string("netlink ") + std::string(what) + ": " + std::strerror(error), retry);
}

}  // namespace

Result<std::unique_ptr<GenlSocket>> GenlSocket::open(std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0) return fail(socket_error("socket", errno));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    int error = errno;
    ::close(fd);
    return fail(socket_error("bind", error));
  }
  // The kernel's reason text for a refused request (since 4.12); harmless
  // when unsupported.
  int on = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  // Dumps of 20,000 services arrive faster than one read at a time drains a
  // small buffer: ENOBUFS would mean starting the dump over.
  int buffer = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  return std::unique_ptr<GenlSocket>(new GenlSocket(fd, timeout));
}

GenlSocket::~GenlSocket() { ::close(fd_); }

Result<void> GenlSocket::send(std::span<const uint8_t> datagram) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&kernel),
                         sizeof kernel);
    if (n >= 0) return {};
    if (errno != EINTR) return fail(socket_error("send", errno));
  }
}

Result<std::vector<uint8_t>> GenlSocket::receive() {
  pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
  int ready;
  do {
    ready = ::poll(&p, 1, static_cast<int>(timeout_.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return fail(socket_error("poll", errno));
  if (ready == 0) {
    return fail(Error::make(ErrorCode::kUnavailable,
                            "netlink: no answer from the kernel within " + std::to_string(timeout_.count()) + " ms",
                            Retry::kYes));
  }
  // Peek at the size first: a datagram larger than the buffer would be cut.
  ssize_t size;
  do {
    size = ::recv(fd_, nullptr, 0, MSG_PEEK | MSG_TRUNC);
  } while (size < 0 && errno == EINTR);
  if (size < 0) return fail(socket_error("receive", errno));
  std::vector<uint8_t> datagram(static_cast<size_t>(size));
  ssize_t n;
  do {
    n = ::recv(fd_, datagram.data(), datagram.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail(socket_error("receive", errno));
  datagram.resize(static_cast<size_t>(n));
  return datagram;
}

void GenlSocket::discard_pending() {
  uint8_t scratch[1];
  while (::recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
  }
}

}  // namespace pier::lb
