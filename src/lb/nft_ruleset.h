// Pier's virtual services as one nftables table, in nft's own script
// language, and back from `nft -j list table` output. Pure: no I/O; the
// dataplane (nft_dataplane.h) hands the text to libnftables.
//
//   std::string script = lb::nft::render_table(services);           // atomic full replace
//   std::string delta  = lb::nft::render_update(before, after, keys); // only those services
//   lb::Result<lb::Actual> actual = lb::nft::parse_actual(json);
//
// Layout of `table inet pier_lb` (docs/lb.md, "The nftables dataplane"):
//   map services4/6   VIP . l4proto . port -> goto svc_<service chain>
//   chain prerouting, output (nat)   dispatch through the services maps
//   chain svc_<vip>_<port>_<proto>   one per virtual service: a named counter
//                     (its connections), then one DNAT rule per real server,
//                     chosen by a cascade of `numgen`/`jhash` matches so that
//                     server i gets weight_i / total of the new connections
//   counter svc_X, svc_X_in, svc_X_out   connections, packets/bytes each way
//   map traffic_in4/6, traffic_out4/6    VIP . l4proto . port -> the service's
//                     in/out counter, looked up in chain forward (filter) with
//                     the connection's original destination (ct original)
//   set fullnat4/6    the keys of fullnat services (chain postrouting
//                     masquerades their connections)
// Why this shape: nftables 1.0.6 and the kernel cost O(n) per named or
// anonymous set and per binding of a large verdict map, so a set per service
// grows quadratically (8 min for 20,000 services); plain rules in a chain
// per service and a handful of table-wide maps stay linear.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "lb/dataplane.h"
#include "lb/model.h"
#include "lb/reconcile_diff.h"

namespace pier::lb::nft {

inline constexpr std::string_view kTable = "pier_lb";  // family inet

// What the table holds, keyed like the core's Desired: a VirtualService
// without its owner (the table does not record who asked for it).
using Services = std::map<ServiceKey, VirtualService>;

// "svc_10_1_3_225_80_tcp", "svc_2001-db8--10_443_tcp" (IPv6 with '-' for ':').
std::string service_chain_name(const ServiceKey& key);
std::optional<ServiceKey> parse_service_chain_name(std::string_view name);

// Whether nftables can do what this virtual service asks for: dr and tun
// forwarding and persistence cannot be expressed; real servers must be of
// the VIP's family; the sum of the weights must fit 32 bits. A refusal is
// not retryable: only a change of the input helps.
Result<void> check_supported(const ServiceKey& key, Forwarding forwarding, uint32_t persistence_seconds);
Result<void> check_supported(const VirtualService& service);

// The whole table as one script: `add table`, `delete table`, `table { ... }`,
// so that the kernel swaps the old table for the new one in one transaction.
std::string render_table(const Services& services);

// The commands that take the table from `before` to `after` for the services
// in `touched` only (each service's chain is flushed and rewritten; counters
// survive, being named objects). `before` must be what the table holds.
std::string render_update(const Services& before, const Services& after, std::span<const ServiceKey> touched);

// `nft -j list table inet pier_lb` -> every service in it, owned = true,
// active_connections 0 (conntrack keeps established connections on their
// real server; see docs/lb.md).
Result<Actual> parse_actual(std::string_view json);
// The same output -> counters: connections per service and real server,
// packets and bytes in/out per service.
Result<std::vector<ServiceTraffic>> parse_traffic(std::string_view json);

// What the core's operations make of `services` (the dataplane's mirror).
// An operation nftables cannot do is an Error and leaves `services` alone.
Result<void> apply_operation(Services& services, const Operation& operation);

}  // namespace pier::lb::nft
