#include "lb/endpoint_slices.h"

#include <algorithm>

#include "kube/json_fields.h"

namespace pier::lb {

namespace {

using nlohmann::json;
namespace fields = kube::fields;

std::string_view string_member(const json& object, const char* name) {
  const json* value = fields::find(object, {name});
  return value && value->is_string() ? std::string_view(value->get_ref<const std::string&>()) : std::string_view();
}

// Kubernetes: a nil condition means "unknown" and reads as the default.
bool condition(const json& endpoint, const char* name, bool absent) {
  const json* value = fields::find(endpoint, {"conditions", name});
  return value && value->is_boolean() ? value->get<bool>() : absent;
}

}  // namespace

std::string slice_service(const json& slice) {
  const json* metadata = fields::find(slice, {"metadata"});
  if (!metadata) return "";
  const json* labels = fields::find(*metadata, {"labels"});
  std::string_view service = labels ? string_member(*labels, "kubernetes.io/service-name") : std::string_view();
  if (service.empty()) return "";
  return std::string(string_member(*metadata, "namespace")) + "/" + std::string(service);
}

std::vector<RealServer> real_servers_for(const std::vector<const json*>& slices, std::string_view port_name,
                                         Protocol protocol, Family family, uint32_t weight) {
  std::vector<RealServer> servers;
  std::string_view address_type = family == Family::kV4 ? "IPv4" : "IPv6";
  for (const json* slice : slices) {
    if (string_member(*slice, "addressType") != address_type) continue;
    const json* ports = fields::find(*slice, {"ports"});
    const json* endpoints = fields::find(*slice, {"endpoints"});
    if (!ports || !ports->is_array() || !endpoints || !endpoints->is_array()) continue;
    uint16_t port = 0;
    for (const json& p : *ports) {
      std::string_view p_protocol = string_member(p, "protocol");
      auto parsed = parse_protocol(p_protocol.empty() ? "TCP" : p_protocol);
      const json* number = fields::find(p, {"port"});
      if (string_member(p, "name") != port_name || !parsed || *parsed != protocol || !number ||
          !number->is_number_integer())
        continue;
      int64_t value = number->get<int64_t>();
      if (value > 0 && value <= 65535) port = static_cast<uint16_t>(value);
      break;
    }
    if (port == 0) continue;
    for (const json& endpoint : *endpoints) {
      bool ready = condition(endpoint, "ready", true);
      bool serving = condition(endpoint, "serving", ready);
      bool terminating = condition(endpoint, "terminating", false);
      if (!ready && !(serving && terminating)) continue;
      const json* addresses = fields::find(endpoint, {"addresses"});
      // Kubernetes: the addresses of one endpoint are fungible; use the first.
      if (!addresses || !addresses->is_array() || addresses->empty() || !addresses->front().is_string()) continue;
      auto address = IpAddress::parse(addresses->front().get_ref<const std::string&>());
      if (!address || address->family != family) continue;
      servers.push_back({*address, port, ready ? weight : 0});
    }
  }
  // Highest weight first among equals, so that unique() keeps it.
  std::sort(servers.begin(), servers.end(), [](const RealServer& a, const RealServer& b) {
    if (!same_endpoint(a, b)) return endpoint_less(a, b);
    return a.weight > b.weight;
  });
  servers.erase(std::unique(servers.begin(), servers.end(), same_endpoint), servers.end());
  return servers;
}

}  // namespace pier::lb
