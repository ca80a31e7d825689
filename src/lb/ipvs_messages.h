// The kernel's IPVS generic netlink messages (linux/ip_vs.h) as bytes:
// the requests for the core's Operations and for reading the kernel's
// state, and the decoding of its dump replies into the core's Actual types
// with their traffic counters. Pure: the socket side resolves the family id
// ("IPVS", see encode_get_family), sends these bytes and feeds every
// datagram it receives to the decoders.
//
//   auto messages = lb::encode_operation(op, family, seq);   // 1 or more requests
//   ...
//   lb::ServiceDump dump;
//   while (!dump.done) {                                     // one datagram at a time
//     auto ok = lb::decode_service_dump(recv(), family, seq, dump);
//     if (!ok) return fail(ok.error());
//   }
//
// Requests leave NLA_F_NESTED off their nests, as ipvsadm does and as the
// kernel writes its own replies (nla_nest_start_noflag); IPVS parses
// leniently, and the decoders accept nests with or without the flag.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"
#include "lb/model.h"
#include "lb/reconcile_diff.h"

namespace pier::lb {

// Traffic counters of a virtual service or real server since it was made
// (IPVS_*_ATTR_STATS64, or the 32-bit STATS on kernels before 4.x).
struct IpvsStats {
  uint64_t conns = 0;
  uint64_t inpkts = 0;
  uint64_t outpkts = 0;
  uint64_t inbytes = 0;
  uint64_t outbytes = 0;

  bool operator==(const IpvsStats&) const = default;
};

// One virtual service as the kernel reports it. `service.owned` is false:
// who owns it is the controller's decision, not the kernel's.
struct IpvsService {
  ActualService service;   // key, scheduler, persistence (forwarding: see assemble_actual)
  std::string scheduler_name;  // as the kernel wrote it, also when unknown to us
  bool known_scheduler = true; // false: `service.scheduler` is a placeholder
  uint32_t flags = 0;          // IP_VS_SVC_F_*
  uint32_t timeout = 0;        // persistence timeout in seconds, also without the flag
  uint32_t netmask = 0;        // as sent: IPv4 mask in network order, IPv6 prefix length
  IpvsStats stats;
};

// One real server of a virtual service.
struct IpvsDest {
  ActualRealServer server;  // address, port, weight, active connections
  // IP_VS_CONN_F_* & IP_VS_CONN_F_FWD_MASK; `forwarding` is empty for the
  // kernel's own kinds (LOCALNODE, BYPASS) that Pier never sets.
  uint32_t forwarding_method = 0;
  std::optional<Forwarding> forwarding;
  uint32_t inactive_connections = 0;
  uint32_t persistent_connections = 0;
  uint32_t upper_threshold = 0;
  uint32_t lower_threshold = 0;
  IpvsStats stats;
};

// Dumps arrive over several datagrams (NLM_F_MULTI) and end with
// NLMSG_DONE: decode each datagram into the same dump until `done`.
struct ServiceDump {
  std::vector<IpvsService> services;
  // Virtual services a ServiceKey cannot name (firewall marks, SCTP): never
  // Pier's, so left out of the Actual and counted here.
  size_t skipped = 0;
  bool done = false;
};
struct DestDump {
  std::vector<IpvsDest> dests;
  bool done = false;
};

// --- Requests. `family` is the id resolved for "IPVS". ---

// IPVS_CMD_GET_SERVICE, NLM_F_DUMP: every virtual service.
std::vector<uint8_t> encode_get_services(uint16_t family, uint32_t seq);
// IPVS_CMD_GET_DEST, NLM_F_DUMP: the real servers of one virtual service.
std::vector<uint8_t> encode_get_dests(const ServiceKey& service, uint16_t family, uint32_t seq);

// The request(s) an Operation needs, numbered seq, seq + 1, ...; all ask for
// an acknowledgement (NLM_F_ACK), matched by seq (decode_acks).
// kAdd/Update/RemoveService -> NEW/SET/DEL_SERVICE; kAdd/Update/RemoveRealServer
// -> NEW/SET/DEL_DEST. Forwarding lives on each destination in IPVS, so an
// UpdateService passes the service's current real servers in
// `real_servers`: each gets a SET_DEST carrying the new method (leave it
// empty when forwarding did not change). Errors: `fullnat` (the stock
// kernel has no such method; removals still encode), a weight above
// INT32_MAX, a real server of another address family than its VIP.
Result<std::vector<std::vector<uint8_t>>> encode_operation(const Operation& operation, uint16_t family, uint32_t seq,
                                                          std::span<const RealServer> real_servers = {});

// --- Replies. ---

// One datagram of the GET_SERVICE dump: appends to `dump`, sets `done` at
// NLMSG_DONE. Errors: NLMSG_ERROR (error_from_errno: retry hint), a message
// of another sequence or type, NLM_F_DUMP_INTR (re-sync), anything
// truncated or malformed; `dump` is then incomplete and must be dropped.
Result<void> decode_service_dump(std::span<const uint8_t> datagram, uint16_t family, uint32_t seq, ServiceDump& dump);

// One datagram of the GET_DEST dump for a virtual service of family
// `service_family` (destinations from kernels before 4.x carry no address
// family of their own).
Result<void> decode_dest_dump(std::span<const uint8_t> datagram, uint16_t family, uint32_t seq,
                              Family service_family, DestDump& dump);

// The core's view of one virtual service from its two dumps: real servers
// sorted and unique by endpoint, the service's forwarding taken from its
// first real server that has one (kNat with none; IPVS keeps it per
// destination, Pier sets the same on all of them).
ActualService assemble_actual(const IpvsService& service, const DestDump& dests);

// --- Kernel replies, for the tests and for a fake kernel. ---

// A dump reply message as the kernel's ip_vs_genl_fill_service /
// ip_vs_genl_fill_dest write it (NLM_F_MULTI, both STATS and STATS64, no
// NLA_F_NESTED); and NLMSG_DONE.
std::vector<uint8_t> encode_service_reply(const IpvsService& service, uint16_t family, uint32_t seq);
std::vector<uint8_t> encode_dest_reply(const IpvsDest& dest, uint16_t family, uint32_t seq);
std::vector<uint8_t> encode_done(uint32_t seq);

}  // namespace pier::lb
