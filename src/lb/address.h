// IP addresses as the load balancer needs them: IPv4 or IPv6, compared by
// value (so "2001:db8::1" and "2001:0db8:0:0::1" are the same VIP), printed
// in the normal text form, and ranges of them for the VIP pool.
//
//   auto vip = lb::IpAddress::parse("10.1.3.226");          // std::nullopt when invalid
//   auto rs  = lb::parse_host_port("[2001:db8::5]:8080:3");  // address, port, weight
//   auto pool = lb::parse_address_range("10.9.0.0/28");
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pier::lb {

enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

struct IpAddress {
  Family family = Family::kV4;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4, the rest stay 0

  // Dotted quad or RFC 4291 text; no zone ("%eth0"), no brackets, no prefix.
  static std::optional<IpAddress> parse(std::string_view text);
  // "10.1.3.226", "2001:db8::5" (RFC 5952 form, as inet_ntop writes it).
  std::string text() const;
  // "10.1.3.226:80" and "[2001:db8::5]:80".
  std::string text_with_port(uint16_t port) const;

  auto operator<=>(const IpAddress&) const = default;
};

// `ADDRESS:PORT` or `ADDRESS:PORT:WEIGHT`, IPv6 in brackets: `[2001:db8::5]:80`.
struct HostPort {
  IpAddress address;
  uint16_t port = 0;
  std::optional<uint32_t> weight;
};
std::optional<HostPort> parse_host_port(std::string_view text);

// A decimal number without sign or leading "+", at most `max`.
std::optional<uint32_t> parse_number(std::string_view text, uint32_t max);

// An inclusive range of addresses of one family: `10.9.0.0/28` or
// `10.9.0.10-10.9.0.20` (spaces around "-" allowed).
struct AddressRange {
  IpAddress first;
  IpAddress last;
};
std::optional<AddressRange> parse_address_range(std::string_view text);

// The next address (same family), or nullopt past the family's last one.
std::optional<IpAddress> next_address(const IpAddress& address);

}  // namespace pier::lb
