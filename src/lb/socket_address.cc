#include "lb/socket_address.h"

#include <netinet/in.h>

#include <cstring>

namespace pier::lb {

SocketAddress socket_address(const IpAddress& address, uint16_t port) {
  SocketAddress out;
  if (address.family == Family::kV4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out.storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    std::memcpy(&in->sin_addr, address.bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
    out.length = sizeof(sockaddr_in6);
  }
  return out;
}

}  // namespace pier::lb
