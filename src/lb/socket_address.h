// An IpAddress and port as the socket calls want them (sockaddr_in or
// sockaddr_in6 in a sockaddr_storage), for connect, bind and sendto.
//
//   lb::SocketAddress to = lb::socket_address(address, 8080);
//   ::connect(fd, to.get(), to.length);
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "lb/address.h"

namespace pier::lb {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

SocketAddress socket_address(const IpAddress& address, uint16_t port);

}  // namespace pier::lb
