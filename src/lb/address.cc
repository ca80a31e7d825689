#include "lb/address.h"

#include <arpa/inet.h>

#include <charconv>

namespace pier::lb {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

size_t address_size(Family family) { return family == Family::kV4 ? 4 : 16; }

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string; longer text cannot be an address.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  IpAddress address;
  if (copy.find(':') == std::string::npos) {
    // glibc's inet_pton refuses the shorthands inet_aton takes ("10.1", octal).
    if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
    address.family = Family::kV4;
  } else {
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1) return std::nullopt;
    address.family = Family::kV6;
  }
  return address;
}

std::string IpAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == Family::kV4 ? AF_INET : AF_INET6, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

std::string IpAddress::text_with_port(uint16_t port) const {
  if (family == Family::kV4) return text() + ":" + std::to_string(port);
  return "[" + text() + "]:" + std::to_string(port);
}

std::optional<uint32_t> parse_number(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  text = trim(text);
  HostPort result;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto address = IpAddress::parse(text.substr(1, close - 1));
    if (!address || address->family != Family::kV6) return std::nullopt;
    result.address = *address;
    rest = text.substr(close + 1);
  } else {
    // Without brackets only IPv4 is unambiguous: "2001:db8::1:80" could be either.
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto address = IpAddress::parse(text.substr(0, colon));
    if (!address || address->family != Family::kV4) return std::nullopt;
    result.address = *address;
    rest = text.substr(colon);
  }
  if (rest.empty() || rest.front() != ':') return std::nullopt;
  rest.remove_prefix(1);
  size_t colon = rest.find(':');
  auto port = parse_number(rest.substr(0, colon), 65535);
  if (!port || *port == 0) return std::nullopt;
  result.port = static_cast<uint16_t>(*port);
  if (colon != std::string_view::npos) {
    // IPVS weights are signed 32-bit; keep well inside.
    auto weight = parse_number(rest.substr(colon + 1), 65535);
    if (!weight) return std::nullopt;
    result.weight = *weight;
  }
  return result;
}

std::optional<IpAddress> next_address(const IpAddress& address) {
  IpAddress next = address;
  for (size_t i = address_size(address.family); i-- > 0;) {
    if (++next.bytes[i] != 0) return next;
  }
  return std::nullopt;  // wrapped around
}

std::optional<AddressRange> parse_address_range(std::string_view text) {
  text = trim(text);
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    auto base = IpAddress::parse(text.substr(0, slash));
    if (!base) return std::nullopt;
    size_t bits = address_size(base->family) * 8;
    auto prefix = parse_number(text.substr(slash + 1), static_cast<uint32_t>(bits));
    if (!prefix) return std::nullopt;
    AddressRange range{*base, *base};
    for (size_t bit = *prefix; bit < bits; ++bit) {
      uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
      range.first.bytes[bit / 8] &= static_cast<uint8_t>(~mask);
      range.last.bytes[bit / 8] |= mask;
    }
    return range;
  }
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto single = IpAddress::parse(text);
    if (!single) return std::nullopt;
    return AddressRange{*single, *single};
  }
  auto first = IpAddress::parse(trim(text.substr(0, dash)));
  auto last = IpAddress::parse(trim(text.substr(dash + 1)));
  if (!first || !last || first->family != last->family || *last < *first) return std::nullopt;
  return AddressRange{*first, *last};
}

}  // namespace pier::lb
