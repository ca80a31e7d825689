// The address a server listens on, as written in flags and config files:
//   "127.0.0.1:8080", "[::1]:0" (any free port), "0.0.0.0:443", ":8080"
//   (every IPv4 address), "[::]:8080", "localhost:8080" (127.0.0.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::server {

struct ListenAddress {
  std::string host;  // an IP literal, without brackets
  std::uint16_t port = 0;
  bool ipv6 = false;

  std::string to_string() const;  // "127.0.0.1:8080", "[::1]:8080"
};

// kInvalidInput naming the text and what is wrong with it.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace pier::server
