#include "lb/configmap_entries.h"

#include <algorithm>

namespace pier::lb {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(trim(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// DNS-1123 label, as Kubernetes requires of namespaces and Service names.
bool valid_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Error invalid(std::string reason) { return Error::invalid(std::move(reason)); }

// `VIP` or `VIP-PORT`. ConfigMap keys may not contain ':', so an IPv6 VIP is
// written with '_' for ':' (`2001_db8__10-443`); ':' is accepted as well for
// data that does not come from a ConfigMap.
Result<ConfigMapEntry> parse_key(const std::string& key) {
  ConfigMapEntry entry;
  entry.key = key;
  std::string text = key;
  std::replace(text.begin(), text.end(), '_', ':');
  std::string_view vip_text = text;
  if (size_t dash = text.rfind('-'); dash != std::string::npos) {
    auto port = parse_number(std::string_view(text).substr(dash + 1), 65535);
    if (!port || *port == 0) return fail(invalid("the port after '-' must be a number from 1 to 65535"));
    entry.port = static_cast<uint16_t>(*port);
    vip_text = std::string_view(text).substr(0, dash);
  }
  auto vip = IpAddress::parse(vip_text);
  if (!vip) return fail(invalid("'" + std::string(vip_text) + "' is not an IPv4 or IPv6 address"));
  entry.vip = *vip;
  return entry;
}

// One option item: a flag (`s`) or `name=value`.
Result<void> apply_option(std::string_view item, bool service_value, EntryOptions& options) {
  size_t eq = item.find('=');
  std::string_view name = trim(item.substr(0, eq));
  std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1));
  if (eq == std::string_view::npos) {
    if (name == "s" && service_value) {
      options.same_ports = true;
      return {};
    }
    return fail(invalid("unknown option '" + std::string(item) + "'"));
  }
  if (name == "sched") {
    auto scheduler = parse_scheduler(value);
    if (!scheduler) return fail(invalid("unknown scheduler '" + std::string(value) + "'"));
    options.scheduler = *scheduler;
  } else if (name == "fwd") {
    auto forwarding = parse_forwarding(value);
    if (!forwarding) return fail(invalid("unknown forwarding method '" + std::string(value) + "' (nat, dr, tun, fullnat)"));
    options.forwarding = *forwarding;
  } else if (name == "persist") {
    // IPVS stores the timeout in seconds as a 32-bit value; a day is plenty.
    auto seconds = parse_number(value, 86400);
    if (!seconds) return fail(invalid("persist= wants seconds from 0 to 86400, not '" + std::string(value) + "'"));
    options.persistence = *seconds;
  } else if (name == "proto" && !service_value) {
    auto protocol = parse_protocol(value);
    if (!protocol) return fail(invalid("unknown protocol '" + std::string(value) + "' (tcp, udp)"));
    options.protocol = *protocol;
  } else if (name == "port" && service_value) {
    if (value.empty()) return fail(invalid("port= needs a Service port name or number"));
    options.service_port = std::string(value);
  } else {
    return fail(invalid("unknown option '" + std::string(name) + "='"));
  }
  return {};
}

Result<void> parse_service_value(std::string_view value, ConfigMapEntry& entry) {
  size_t colon = value.find(':');
  std::string_view reference = trim(value.substr(0, colon));
  size_t slash = reference.find('/');
  if (slash == std::string_view::npos) return fail(invalid("expected real servers or namespace/service"));
  std::string_view ns = reference.substr(0, slash);
  std::string_view service = reference.substr(slash + 1);
  if (!valid_dns_label(ns) || !valid_dns_label(service))
    return fail(invalid("'" + std::string(reference) + "' is not a valid namespace/service"));
  entry.service = std::string(reference);
  if (colon != std::string_view::npos) {
    for (std::string_view item : split(value.substr(colon + 1), ',')) {
      if (item.empty()) return fail(invalid("empty option"));
      if (auto ok = apply_option(item, true, entry.options); !ok) return ok;
    }
  }
  if (entry.port != 0 && entry.options.same_ports)
    return fail(invalid("option 's' maps every Service port to the same VIP port; the key already names port " +
                        std::to_string(entry.port)));
  if (entry.port == 0 && !entry.options.service_port.empty())
    return fail(invalid("port= selects the Service port of a VIP-PORT key; this key has no port"));
  // A key without a port can only mean "the Service's own ports": the seed
  // writes `:s` for it, and it is the same without.
  if (entry.port == 0) entry.options.same_ports = true;
  return {};
}

Result<void> parse_real_servers(std::string_view value, ConfigMapEntry& entry) {
  if (entry.port == 0) {
    bool looks_like_servers = false;
    for (std::string_view item : split(value, ',')) looks_like_servers |= parse_host_port(item).has_value();
    if (!looks_like_servers) return fail(invalid("expected real servers or namespace/service"));
    return fail(invalid("explicit real servers need a VIP-PORT key (all-port virtual services are not supported)"));
  }
  for (std::string_view item : split(value, ',')) {
    if (item.empty()) return fail(invalid("empty item in the list of real servers"));
    if (item.find('=') != std::string_view::npos) {
      if (auto ok = apply_option(item, false, entry.options); !ok) return ok;
      continue;
    }
    auto host_port = parse_host_port(item);
    if (!host_port)
      return fail(invalid("'" + std::string(item) + "' is not ADDRESS:PORT[:WEIGHT] (IPv6 as [ADDRESS]:PORT)"));
    if (host_port->address.family != entry.vip.family)
      return fail(invalid("real server " + std::string(item) + " is not of the VIP's address family"));
    RealServer server{host_port->address, host_port->port, host_port->weight.value_or(1)};
    auto& servers = entry.real_servers;
    auto at = std::lower_bound(servers.begin(), servers.end(), server, endpoint_less);
    if (at != servers.end() && same_endpoint(*at, server))
      return fail(invalid("real server " + server.text() + " is listed twice"));
    servers.insert(at, server);
  }
  if (entry.real_servers.empty()) return fail(invalid("no real servers"));
  return {};
}

}  // namespace

Result<ConfigMapEntry> parse_configmap_entry(const std::string& key, const std::string& value) {
  auto entry = parse_key(key);
  if (!entry) return entry;
  std::string_view text = trim(value);
  if (text.empty()) return fail(invalid("empty value"));
  // A Service reference has a '/' before any ':'; real servers never have '/'.
  bool service_value = text.find('/') != std::string_view::npos;
  auto ok = service_value ? parse_service_value(text, *entry) : parse_real_servers(text, *entry);
  if (!ok) return fail(ok.error());
  return entry;
}

ParsedConfigMap parse_configmap(const std::map<std::string, std::string>& data) {
  ParsedConfigMap parsed;
  for (const auto& [key, value] : data) {
    auto entry = parse_configmap_entry(key, value);
    if (!entry) {
      parsed.problems.push_back({"configmap key " + key, entry.error().message});
      continue;
    }
    parsed.entries.push_back(std::move(*entry));
  }
  return parsed;
}

}  // namespace pier::lb
