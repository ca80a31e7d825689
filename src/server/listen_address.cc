#include "server/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace pier::server {

std::string ListenAddress::to_string() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(Error::invalid("listen address \"" + std::string(text) + "\": " + std::string(why)));
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);

  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return bad("the port must be a number from 0 to 65535");

  ListenAddress address;
  address.port = static_cast<std::uint16_t>(port);
  if (host.starts_with('[')) {
    if (!host.ends_with(']')) return bad("unclosed '['");
    address.host = std::string(host.substr(1, host.size() - 2));
    address.ipv6 = true;
    in6_addr ignored{};
    if (inet_pton(AF_INET6, address.host.c_str(), &ignored) != 1) return bad("not an IPv6 address");
    return address;
  }
  if (host.empty()) {
    address.host = "0.0.0.0";
  } else if (host == "localhost") {
    address.host = "127.0.0.1";
  } else {
    address.host = std::string(host);
    in_addr ignored{};
    if (inet_pton(AF_INET, address.host.c_str(), &ignored) != 1)
      return bad(host.find(':') != std::string_view::npos ? "write IPv6 addresses in brackets: [::1]:8080"
                                                          : "the host must be an IP address or localhost");
  }
  return address;
}

}  // namespace pier::server
