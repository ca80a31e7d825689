#include "lb/bird_config.h"

#include <algorithm>
#include <set>

namespace pier::lb {

namespace {

uint8_t max_length(Family family) { return family == Family::kV4 ? 32 : 128; }

// A bird symbol: letters, digits and '_', not starting with a digit.
bool is_bird_symbol(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void render_protocol(std::string& out, const std::string& name, Family family, const BirdSettings& settings,
                     const std::set<IpAddress>& vips) {
  const std::string via = " via \"" + settings.interface + "\";\n";
  out += "protocol static " + name + " {\n";
  out += family == Family::kV4 ? "  ipv4;\n" : "  ipv6;\n";
  std::set<VipPrefix> prefixes;
  for (const VipPrefix& p : settings.preannounced)
    if (p.network.family == family) prefixes.insert(p);
  std::set<IpAddress> covered;
  for (const VipPrefix& prefix : prefixes) {
    out += "  route " + prefix.text() + via;
    // Which VIPs the prefix carries now, for the operator reading the file.
    for (const IpAddress& vip : vips) {
      if (vip.family != family || !prefix.contains(vip) || !covered.insert(vip).second) continue;
      out += "  # " + vip.text() + " in " + prefix.text() + "\n";
    }
  }
  for (const IpAddress& vip : vips) {
    if (vip.family != family || covered.contains(vip)) continue;
    out += "  route " + vip.text() + "/" + std::to_string(max_length(family)) + via;
  }
  out += "}\n";
}

}  // namespace

std::optional<VipPrefix> VipPrefix::parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto network = IpAddress::parse(text.substr(0, slash));
  if (!network) return std::nullopt;
  auto length = parse_number(text.substr(slash + 1), max_length(network->family));
  if (!length) return std::nullopt;
  VipPrefix prefix{*network, static_cast<uint8_t>(*length)};
  // Host bits must be zero: the network address masked to the length is itself.
  const size_t bytes = network->family == Family::kV4 ? 4 : 16;
  for (size_t bit = prefix.length; bit < bytes * 8; ++bit)
    if (network->bytes[bit / 8] & (0x80 >> (bit % 8))) return std::nullopt;
  return prefix;
}

std::string VipPrefix::text() const { return network.text() + "/" + std::to_string(length); }

bool VipPrefix::contains(const IpAddress& address) const {
  if (address.family != network.family) return false;
  for (size_t bit = 0; bit < length; ++bit) {
    const uint8_t mask = 0x80 >> (bit % 8);
    if ((address.bytes[bit / 8] & mask) != (network.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

Result<void> check_bird_settings(const BirdSettings& settings) {
  // Linux interface names: 1-15 bytes, no '/' or white space; bird quotes
  // them in "...", which has no escape for '"' or '\'.
  const std::string& name = settings.interface;
  if (name.empty() || name.size() > 15 || name.find_first_of("/\"\\ \t\n") != std::string::npos)
    return fail(Error::invalid("bird: \"" + name + "\" is not a network interface name"));
  for (const std::string* protocol : {&settings.ipv4_protocol, &settings.ipv6_protocol})
    if (!is_bird_symbol(*protocol))
      return fail(Error::invalid("bird: protocol name \"" + *protocol +
                                 "\" must be letters, digits and '_', not starting with a digit"));
  if (settings.ipv4_protocol == settings.ipv6_protocol)
    return fail(Error::invalid("bird: the IPv4 and IPv6 protocols need different names, both are \"" +
                               settings.ipv4_protocol + "\""));
  return {};
}

std::string render_bird_config(const BirdSettings& settings, std::span<const IpAddress> vips) {
  const std::set<IpAddress> sorted(vips.begin(), vips.end());
  std::string out =
      "# Written by pier lb; do not edit\n"
      "# bird.conf includes this file; its OSPF protocols export these routes.\n\n";
  // Both protocols always, even empty: the export filters in bird.conf name
  // them, and a stable shape keeps reconfigurations minimal.
  render_protocol(out, settings.ipv4_protocol, Family::kV4, settings, sorted);
  out += "\n";
  render_protocol(out, settings.ipv6_protocol, Family::kV6, settings, sorted);
  return out;
}

}  // namespace pier::lb
