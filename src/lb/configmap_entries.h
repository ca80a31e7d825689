// The seed's LVS ConfigMap: each key a VIP (`VIP` or `VIP-PORT`), each value
// either explicit real servers or a `namespace/service[:options]`. The format
// is documented for users in docs/lb.md.
//
//   xx.xx.x3.225-80: yy.yy.y0.130:80, yy.yy.y51.20:80
//   xx.xx.x3.226: gslb/nginx-ingress-controller-new-lb:s
//
//   auto parsed = lb::parse_configmap(configmap_data);
//   for (const auto& p : parsed.problems) report(p);   // the others still work
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "lb/model.h"

namespace pier::lb {

// Options after `:` of a Service value, or `name=value` items among explicit
// real servers. Unset ones take the controller's defaults.
struct EntryOptions {
  bool same_ports = false;                  // `s`: one virtual service per Service port, VIP port = Service port
  std::optional<Scheduler> scheduler;       // `sched=wlc`
  std::optional<Forwarding> forwarding;     // `fwd=dr`
  std::optional<uint32_t> persistence;      // `persist=300` (seconds)
  std::optional<Protocol> protocol;         // `proto=udp` (explicit real servers only)
  std::string service_port;                 // `port=https` or `port=443`: which Service port a VIP-PORT key maps
};

struct ConfigMapEntry {
  std::string key;  // as written in the ConfigMap
  IpAddress vip;
  uint16_t port = 0;  // 0: the key has no port (only with a Service value: every Service port)
  std::vector<RealServer> real_servers;  // explicit form, sorted and unique
  std::string service;                   // "namespace/name" form
  EntryOptions options;
};

struct ParsedConfigMap {
  std::vector<ConfigMapEntry> entries;  // key order
  std::vector<Problem> problems;
};

// One entry; kInvalidInput with the reason as message.
Result<ConfigMapEntry> parse_configmap_entry(const std::string& key, const std::string& value);

// Every entry; a malformed one becomes a Problem and is skipped.
ParsedConfigMap parse_configmap(const std::map<std::string, std::string>& data);

}  // namespace pier::lb
