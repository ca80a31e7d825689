#include "lb/ipvs_messages.h"

#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "lb/ipvs_netlink.h"

namespace pier::lb {
namespace {

constexpr uint16_t kRequestAck = NLM_F_REQUEST | NLM_F_ACK;
constexpr uint16_t kRequestDump = NLM_F_REQUEST | NLM_F_DUMP;
constexpr size_t kAddressBytes = 16;  // sizeof(union nf_inet_addr)

Error malformed(std::string what) {
  return Error::make(ErrorCode::kIo, "malformed IPVS reply: " + what, Retry::kResync);
}

uint16_t address_family(Family family) { return family == Family::kV4 ? AF_INET : AF_INET6; }
uint16_t ip_protocol(Protocol protocol) { return protocol == Protocol::kTcp ? IPPROTO_TCP : IPPROTO_UDP; }

void put_address(MessageBuilder& m, uint16_t type, const IpAddress& address) {
  // IPv4 in the first 4 bytes, the rest zero: IpAddress already stores it so.
  m.put(type, std::span<const uint8_t>(address.bytes.data(), kAddressBytes));
}

// AF, protocol, address, port: what names a virtual service.
void put_service_identity(MessageBuilder& m, const ServiceKey& key) {
  m.put_u16(IPVS_SVC_ATTR_AF, address_family(key.vip.family));
  m.put_u16(IPVS_SVC_ATTR_PROTOCOL, ip_protocol(key.protocol));
  put_address(m, IPVS_SVC_ATTR_ADDR, key.vip);
  m.put_be16(IPVS_SVC_ATTR_PORT, key.port);
}

void put_flags(MessageBuilder& m, uint32_t flags, uint32_t mask) {
  ip_vs_flags f{flags, mask};
  uint8_t bytes[sizeof f];
  std::memcpy(bytes, &f, sizeof f);
  m.put(IPVS_SVC_ATTR_FLAGS, bytes);
}

void put_netmask(MessageBuilder& m, Family family) {
  // Persistence granularity: one client address. IPv4 wants a mask in
  // network order, IPv6 a prefix length (1-128) in the same 4 bytes.
  uint32_t netmask = family == Family::kV4 ? 0xffffffffu : 128u;
  m.put_u32(IPVS_SVC_ATTR_NETMASK, netmask);
}

void put_service(MessageBuilder& m, const Operation& op, bool full) {
  size_t nest = m.begin_nest(IPVS_CMD_ATTR_SERVICE);
  put_service_identity(m, op.service);
  if (full) {
    m.put_string(IPVS_SVC_ATTR_SCHED_NAME, name(op.scheduler));
    // Only the persistence bit is Pier's: the mask leaves other flags
    // (hashed, one-packet scheduling set by hand) as they are.
    put_flags(m, op.persistence_seconds > 0 ? IP_VS_SVC_F_PERSISTENT : 0, IP_VS_SVC_F_PERSISTENT);
    m.put_u32(IPVS_SVC_ATTR_TIMEOUT, op.persistence_seconds);
    put_netmask(m, op.service.vip.family);
  }
  m.end_nest(nest);
}

uint32_t forwarding_method(Forwarding forwarding) {
  switch (forwarding) {
    case Forwarding::kNat: return IP_VS_CONN_F_MASQ;
    case Forwarding::kDr: return IP_VS_CONN_F_DROUTE;
    case Forwarding::kTun: return IP_VS_CONN_F_TUNNEL;
    case Forwarding::kFullNat: break;
  }
  return IP_VS_CONN_F_MASQ;  // unreachable: callers reject fullnat first
}

void put_dest(MessageBuilder& m, const RealServer& server, Forwarding forwarding, bool full) {
  size_t nest = m.begin_nest(IPVS_CMD_ATTR_DEST);
  put_address(m, IPVS_DEST_ATTR_ADDR, server.address);
  m.put_be16(IPVS_DEST_ATTR_PORT, server.port);
  if (full) {
    m.put_u32(IPVS_DEST_ATTR_FWD_METHOD, forwarding_method(forwarding));
    m.put_u32(IPVS_DEST_ATTR_WEIGHT, server.weight);
    m.put_u32(IPVS_DEST_ATTR_U_THRESH, 0);  // no connection limits
    m.put_u32(IPVS_DEST_ATTR_L_THRESH, 0);
    m.put_u16(IPVS_DEST_ATTR_ADDR_FAMILY, address_family(server.address.family));
  }
  m.end_nest(nest);
}

std::vector<uint8_t> service_message(uint8_t command, const Operation& op, bool full, uint16_t family, uint32_t seq) {
  MessageBuilder m(family, kRequestAck, seq, command, IPVS_GENL_VERSION);
  put_service(m, op, full);
  return std::move(m).finish();
}

std::vector<uint8_t> dest_message(uint8_t command, const Operation& op, const RealServer& server, bool full,
                                  uint16_t family, uint32_t seq) {
  MessageBuilder m(family, kRequestAck, seq, command, IPVS_GENL_VERSION);
  put_service(m, op, false);
  put_dest(m, server, op.forwarding, full);
  return std::move(m).finish();
}

Result<void> check_real_server(const Operation& op, const RealServer& server) {
  if (server.weight > static_cast<uint32_t>(INT32_MAX))
    return fail(Error::invalid(op.text() + ": weight " + std::to_string(server.weight) + " is above the kernel's " +
                               std::to_string(INT32_MAX)));
  if (server.address.family != op.service.vip.family)
    return fail(Error::invalid(op.text() + ": real server " + server.text() + " is not of the VIP's address family"));
  return {};
}

}  // namespace

std::vector<uint8_t> encode_get_services(uint16_t family, uint32_t seq) {
  return MessageBuilder(family, kRequestDump, seq, IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION).finish();
}

std::vector<uint8_t> encode_get_dests(const ServiceKey& service, uint16_t family, uint32_t seq) {
  MessageBuilder m(family, kRequestDump, seq, IPVS_CMD_GET_DEST, IPVS_GENL_VERSION);
  size_t nest = m.begin_nest(IPVS_CMD_ATTR_SERVICE);
  put_service_identity(m, service);
  m.end_nest(nest);
  return std::move(m).finish();
}

Result<std::vector<std::vector<uint8_t>>> encode_operation(const Operation& op, uint16_t family, uint32_t seq,
                                                          std::span<const RealServer> real_servers) {
  bool removal = op.kind == OperationKind::kRemoveService || op.kind == OperationKind::kRemoveRealServer;
  if (op.forwarding == Forwarding::kFullNat && !removal)
    return fail(Error::invalid(op.text() +
                               ": fullnat forwarding needs an out-of-tree kernel (Alibaba's ipvs-fullnat patches "
                               "or DPVS); the stock kernel's IPVS offers nat, dr and tun"));
  std::vector<std::vector<uint8_t>> out;
  switch (op.kind) {
    case OperationKind::kAddService:
      out.push_back(service_message(IPVS_CMD_NEW_SERVICE, op, true, family, seq));
      break;
    case OperationKind::kUpdateService:
      out.push_back(service_message(IPVS_CMD_SET_SERVICE, op, true, family, seq));
      for (const RealServer& server : real_servers) {
        if (auto ok = check_real_server(op, server); !ok) return fail(ok.error());
        out.push_back(dest_message(IPVS_CMD_SET_DEST, op, server, true, family, seq + static_cast<uint32_t>(out.size())));
      }
      break;
    case OperationKind::kRemoveService:
      out.push_back(service_message(IPVS_CMD_DEL_SERVICE, op, false, family, seq));
      break;
    case OperationKind::kAddRealServer:
    case OperationKind::kUpdateRealServer: {
      if (auto ok = check_real_server(op, op.server); !ok) return fail(ok.error());
      uint8_t command = op.kind == OperationKind::kAddRealServer ? IPVS_CMD_NEW_DEST : IPVS_CMD_SET_DEST;
      out.push_back(dest_message(command, op, op.server, true, family, seq));
      break;
    }
    case OperationKind::kRemoveRealServer:
      out.push_back(dest_message(IPVS_CMD_DEL_DEST, op, op.server, false, family, seq));
      break;
  }
  return out;
}

// ---------------------------------------------------------------- replies

namespace {

Result<IpvsStats> decode_stats(const Attribute& nest, std::string_view where) {
  auto attributes = Attributes::parse(nest.payload, where);
  if (!attributes) return fail(attributes.error());
  IpvsStats stats;
  struct Field {
    uint16_t type;
    uint64_t IpvsStats::*member;
    const char* name;
  };
  static constexpr Field kFields[] = {
      {IPVS_STATS_ATTR_CONNS, &IpvsStats::conns, "IPVS_STATS_ATTR_CONNS"},
      {IPVS_STATS_ATTR_INPKTS, &IpvsStats::inpkts, "IPVS_STATS_ATTR_INPKTS"},
      {IPVS_STATS_ATTR_OUTPKTS, &IpvsStats::outpkts, "IPVS_STATS_ATTR_OUTPKTS"},
      {IPVS_STATS_ATTR_INBYTES, &IpvsStats::inbytes, "IPVS_STATS_ATTR_INBYTES"},
      {IPVS_STATS_ATTR_OUTBYTES, &IpvsStats::outbytes, "IPVS_STATS_ATTR_OUTBYTES"},
  };
  for (const Field& field : kFields) {
    const Attribute* a = attributes->find(field.type);
    if (!a) continue;  // a counter the kernel left out stays 0
    auto value = attribute_counter(*a, field.name);
    if (!value) return fail(value.error());
    stats.*field.member = *value;
  }
  return stats;
}

// STATS64 when the kernel sent it (4.x and later), else the 32-bit STATS.
Result<IpvsStats> pick_stats(const Attributes& attributes, uint16_t stats64, uint16_t stats32, std::string_view where) {
  if (const Attribute* a = attributes.find(stats64)) return decode_stats(*a, std::string(where) + " STATS64");
  if (const Attribute* a = attributes.find(stats32)) return decode_stats(*a, std::string(where) + " STATS");
  return IpvsStats{};
}

Result<Family> decode_family(const Attribute& attribute, std::string_view what) {
  auto af = attribute_u16(attribute, what);
  if (!af) return fail(af.error());
  if (*af == AF_INET) return Family::kV4;
  if (*af == AF_INET6) return Family::kV6;
  return fail(malformed(std::string(what) + " is " + std::to_string(*af) + ", not AF_INET or AF_INET6"));
}

Result<IpAddress> decode_address(const Attribute& attribute, Family family, std::string_view what) {
  size_t size = attribute.payload.size();
  // The kernel sends all of union nf_inet_addr (16 bytes); accept a bare
  // 4-byte IPv4 address too.
  if (size != kAddressBytes && !(family == Family::kV4 && size == 4))
    return fail(malformed(std::string(what) + " has " + std::to_string(size) + " bytes"));
  IpAddress address;
  address.family = family;
  std::copy_n(attribute.payload.begin(), family == Family::kV4 ? 4 : 16, address.bytes.begin());
  return address;
}

const Attribute* require(const Attributes& attributes, uint16_t type, const char* name, Error& missing) {
  const Attribute* a = attributes.find(type);
  if (!a) missing = malformed(std::string("missing ") + name);
  return a;
}

// Decodes one service; nullopt for one a ServiceKey cannot name.
Result<std::optional<IpvsService>> decode_service(std::span<const uint8_t> genl_attributes) {
  auto top = Attributes::parse(genl_attributes, "IPVS_CMD_NEW_SERVICE");
  if (!top) return fail(top.error());
  Error missing;
  const Attribute* nest = require(*top, IPVS_CMD_ATTR_SERVICE, "IPVS_CMD_ATTR_SERVICE", missing);
  if (!nest) return fail(missing);
  auto attributes = Attributes::parse(nest->payload, "IPVS_CMD_ATTR_SERVICE");
  if (!attributes) return fail(attributes.error());

  const Attribute* af = require(*attributes, IPVS_SVC_ATTR_AF, "IPVS_SVC_ATTR_AF", missing);
  if (!af) return fail(missing);
  auto family = decode_family(*af, "IPVS_SVC_ATTR_AF");
  if (!family) return fail(family.error());
  if (const Attribute* fwmark = attributes->find(IPVS_SVC_ATTR_FWMARK)) {
    auto mark = attribute_u32(*fwmark, "IPVS_SVC_ATTR_FWMARK");
    if (!mark) return fail(mark.error());
    if (*mark != 0) return std::optional<IpvsService>{};
  }
  const Attribute* protocol = require(*attributes, IPVS_SVC_ATTR_PROTOCOL, "IPVS_SVC_ATTR_PROTOCOL", missing);
  const Attribute* addr = require(*attributes, IPVS_SVC_ATTR_ADDR, "IPVS_SVC_ATTR_ADDR", missing);
  const Attribute* port = require(*attributes, IPVS_SVC_ATTR_PORT, "IPVS_SVC_ATTR_PORT", missing);
  const Attribute* sched = require(*attributes, IPVS_SVC_ATTR_SCHED_NAME, "IPVS_SVC_ATTR_SCHED_NAME", missing);
  const Attribute* flags = require(*attributes, IPVS_SVC_ATTR_FLAGS, "IPVS_SVC_ATTR_FLAGS", missing);
  const Attribute* timeout = require(*attributes, IPVS_SVC_ATTR_TIMEOUT, "IPVS_SVC_ATTR_TIMEOUT", missing);
  if (!protocol || !addr || !port || !sched || !flags || !timeout) return fail(missing);

  IpvsService out;
  auto proto = attribute_u16(*protocol, "IPVS_SVC_ATTR_PROTOCOL");
  if (!proto) return fail(proto.error());
  auto address = decode_address(*addr, *family, "IPVS_SVC_ATTR_ADDR");
  if (!address) return fail(address.error());
  auto port_value = attribute_be16(*port, "IPVS_SVC_ATTR_PORT");
  if (!port_value) return fail(port_value.error());
  auto sched_name = attribute_string(*sched, IP_VS_SCHEDNAME_MAXLEN, "IPVS_SVC_ATTR_SCHED_NAME");
  if (!sched_name) return fail(sched_name.error());
  if (flags->payload.size() != sizeof(ip_vs_flags))
    return fail(malformed("IPVS_SVC_ATTR_FLAGS has " + std::to_string(flags->payload.size()) + " bytes, expected 8"));
  ip_vs_flags flag_value;
  std::memcpy(&flag_value, flags->payload.data(), sizeof flag_value);
  auto timeout_value = attribute_u32(*timeout, "IPVS_SVC_ATTR_TIMEOUT");
  if (!timeout_value) return fail(timeout_value.error());
  if (const Attribute* netmask = attributes->find(IPVS_SVC_ATTR_NETMASK)) {
    auto value = attribute_u32(*netmask, "IPVS_SVC_ATTR_NETMASK");
    if (!value) return fail(value.error());
    out.netmask = *value;
  }
  auto stats = pick_stats(*attributes, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_STATS, "IPVS_SVC_ATTR");
  if (!stats) return fail(stats.error());

  if (*proto != IPPROTO_TCP && *proto != IPPROTO_UDP) return std::optional<IpvsService>{};  // SCTP
  out.service.key = ServiceKey{*address, *port_value, *proto == IPPROTO_TCP ? Protocol::kTcp : Protocol::kUdp};
  out.scheduler_name = *sched_name;
  auto scheduler = parse_scheduler(*sched_name);
  out.known_scheduler = scheduler.has_value();
  out.service.scheduler = scheduler.value_or(Scheduler::kWlc);
  out.flags = flag_value.flags;
  out.timeout = *timeout_value;
  out.service.persistence_seconds = (flag_value.flags & IP_VS_SVC_F_PERSISTENT) ? *timeout_value : 0;
  out.stats = *stats;
  return std::optional<IpvsService>{std::move(out)};
}

Result<IpvsDest> decode_dest(std::span<const uint8_t> genl_attributes, Family service_family) {
  auto top = Attributes::parse(genl_attributes, "IPVS_CMD_NEW_DEST");
  if (!top) return fail(top.error());
  Error missing;
  const Attribute* nest = require(*top, IPVS_CMD_ATTR_DEST, "IPVS_CMD_ATTR_DEST", missing);
  if (!nest) return fail(missing);
  auto attributes = Attributes::parse(nest->payload, "IPVS_CMD_ATTR_DEST");
  if (!attributes) return fail(attributes.error());

  Family family = service_family;
  if (const Attribute* af = attributes->find(IPVS_DEST_ATTR_ADDR_FAMILY)) {
    auto value = decode_family(*af, "IPVS_DEST_ATTR_ADDR_FAMILY");
    if (!value) return fail(value.error());
    family = *value;
  }
  const Attribute* addr = require(*attributes, IPVS_DEST_ATTR_ADDR, "IPVS_DEST_ATTR_ADDR", missing);
  const Attribute* port = require(*attributes, IPVS_DEST_ATTR_PORT, "IPVS_DEST_ATTR_PORT", missing);
  const Attribute* fwd = require(*attributes, IPVS_DEST_ATTR_FWD_METHOD, "IPVS_DEST_ATTR_FWD_METHOD", missing);
  const Attribute* weight = require(*attributes, IPVS_DEST_ATTR_WEIGHT, "IPVS_DEST_ATTR_WEIGHT", missing);
  if (!addr || !port || !fwd || !weight) return fail(missing);

  IpvsDest out;
  auto address = decode_address(*addr, family, "IPVS_DEST_ATTR_ADDR");
  if (!address) return fail(address.error());
  auto port_value = attribute_be16(*port, "IPVS_DEST_ATTR_PORT");
  if (!port_value) return fail(port_value.error());
  auto fwd_value = attribute_u32(*fwd, "IPVS_DEST_ATTR_FWD_METHOD");
  if (!fwd_value) return fail(fwd_value.error());
  auto weight_value = attribute_u32(*weight, "IPVS_DEST_ATTR_WEIGHT");
  if (!weight_value) return fail(weight_value.error());
  if (*weight_value > static_cast<uint32_t>(INT32_MAX))
    return fail(malformed("IPVS_DEST_ATTR_WEIGHT " + std::to_string(static_cast<int32_t>(*weight_value))));

  struct Optional32 {
    uint16_t type;
    uint32_t* into;
    const char* name;
  };
  uint32_t active = 0;
  const Optional32 optional[] = {
      {IPVS_DEST_ATTR_U_THRESH, &out.upper_threshold, "IPVS_DEST_ATTR_U_THRESH"},
      {IPVS_DEST_ATTR_L_THRESH, &out.lower_threshold, "IPVS_DEST_ATTR_L_THRESH"},
      {IPVS_DEST_ATTR_ACTIVE_CONNS, &active, "IPVS_DEST_ATTR_ACTIVE_CONNS"},
      {IPVS_DEST_ATTR_INACT_CONNS, &out.inactive_connections, "IPVS_DEST_ATTR_INACT_CONNS"},
      {IPVS_DEST_ATTR_PERSIST_CONNS, &out.persistent_connections, "IPVS_DEST_ATTR_PERSIST_CONNS"},
  };
  for (const Optional32& field : optional) {
    const Attribute* a = attributes->find(field.type);
    if (!a) continue;
    auto value = attribute_u32(*a, field.name);
    if (!value) return fail(value.error());
    *field.into = *value;
  }
  auto stats = pick_stats(*attributes, IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_STATS, "IPVS_DEST_ATTR");
  if (!stats) return fail(stats.error());

  out.server.server = RealServer{*address, *port_value, *weight_value};
  out.server.active_connections = active;
  out.forwarding_method = *fwd_value & IP_VS_CONN_F_FWD_MASK;
  switch (out.forwarding_method) {
    case IP_VS_CONN_F_MASQ: out.forwarding = Forwarding::kNat; break;
    case IP_VS_CONN_F_DROUTE: out.forwarding = Forwarding::kDr; break;
    case IP_VS_CONN_F_TUNNEL: out.forwarding = Forwarding::kTun; break;
    default: break;  // LOCALNODE, BYPASS: the kernel's, never Pier's
  }
  out.stats = *stats;
  return out;
}

// The shared walk of a dump datagram: checks sequence, type and command,
// handles DONE / ERROR / DUMP_INTR, and calls `each` with the attributes
// of every reply message.
template <class Each>
Result<void> walk_dump(std::span<const uint8_t> datagram, uint16_t family, uint32_t seq, uint8_t command,
                       const char* what, bool& done, Each each) {
  if (done) return fail(Error::internal(std::string(what) + " dump already complete"));
  auto messages = split_messages(datagram);
  if (!messages) return fail(messages.error());
  for (const NetlinkMessage& m : *messages) {
    if (done) return fail(malformed(std::string(what) + ": message after NLMSG_DONE"));
    if (m.seq != seq)
      return fail(malformed(std::string(what) + ": sequence " + std::to_string(m.seq) + ", expected " +
                            std::to_string(seq)));
    if (m.flags & NLM_F_DUMP_INTR)
      return fail(Error::make(ErrorCode::kConflict, std::string(what) + " dump interrupted by a change: read again",
                              Retry::kResync));
    if (m.type == NLMSG_NOOP) continue;
    if (m.type == NLMSG_DONE) {
      // Its payload is an int: 0, or a negative errno when the dump failed.
      if (m.payload.size() >= 4) {
        int32_t error;
        std::memcpy(&error, m.payload.data(), 4);
        if (error < 0) return fail(error_from_errno(-error, std::string("reading ") + what));
      }
      done = true;
      continue;
    }
    if (m.type == NLMSG_ERROR) {
      auto ack = decode_error_message(m);
      if (!ack) return fail(ack.error());
      if (ack->error != 0) return fail(error_from_errno(ack->error, std::string("reading ") + what, ack->message));
      continue;
    }
    if (m.type != family)
      return fail(malformed(std::string(what) + ": message type " + std::to_string(m.type) + ", expected the IPVS family " +
                            std::to_string(family)));
    auto genl = genl_payload(m);
    if (!genl) return fail(genl.error());
    if (genl->command != command)
      return fail(malformed(std::string(what) + ": command " + std::to_string(genl->command) + ", expected " +
                            std::to_string(command)));
    if (auto ok = each(genl->attributes); !ok) return fail(ok.error());
  }
  return {};
}

}  // namespace

Result<void> decode_service_dump(std::span<const uint8_t> datagram, uint16_t family, uint32_t seq, ServiceDump& dump) {
  return walk_dump(datagram, family, seq, IPVS_CMD_NEW_SERVICE, "IPVS services", dump.done,
                   [&](std::span<const uint8_t> attributes) -> Result<void> {
                     auto service = decode_service(attributes);
                     if (!service) return fail(service.error());
                     if (*service)
                       dump.services.push_back(std::move(**service));
                     else
                       ++dump.skipped;
                     return {};
                   });
}

Result<void> decode_dest_dump(std::span<const uint8_t> datagram, uint16_t family, uint32_t seq, Family service_family,
                              DestDump& dump) {
  return walk_dump(datagram, family, seq, IPVS_CMD_NEW_DEST, "IPVS real servers", dump.done,
                   [&](std::span<const uint8_t> attributes) -> Result<void> {
                     auto dest = decode_dest(attributes, service_family);
                     if (!dest) return fail(dest.error());
                     dump.dests.push_back(std::move(*dest));
                     return {};
                   });
}

ActualService assemble_actual(const IpvsService& service, const DestDump& dests) {
  ActualService out = service.service;
  out.forwarding = Forwarding::kNat;
  for (const IpvsDest& d : dests.dests) {
    if (d.forwarding) {
      out.forwarding = *d.forwarding;
      break;
    }
  }
  out.real_servers.clear();
  for (const IpvsDest& d : dests.dests) out.real_servers.push_back(d.server);
  std::stable_sort(out.real_servers.begin(), out.real_servers.end(),
                   [](const ActualRealServer& a, const ActualRealServer& b) { return endpoint_less(a.server, b.server); });
  auto last = std::unique(out.real_servers.begin(), out.real_servers.end(),
                          [](const ActualRealServer& a, const ActualRealServer& b) {
                            return same_endpoint(a.server, b.server);
                          });
  out.real_servers.erase(last, out.real_servers.end());
  return out;
}

// ------------------------------------------------- kernel replies (fakes)

namespace {

void put_stats(MessageBuilder& m, uint16_t type, const IpvsStats& s, bool wide) {
  size_t nest = m.begin_nest(type);
  // ip_vs_genl_fill_stats: u32 packet counts, u64 bytes; fill_stats64: all u64.
  auto narrow = [&](uint16_t t, uint64_t v) {
    if (wide)
      m.put_u64(t, v);
    else
      m.put_u32(t, static_cast<uint32_t>(v));
  };
  narrow(IPVS_STATS_ATTR_CONNS, s.conns);
  narrow(IPVS_STATS_ATTR_INPKTS, s.inpkts);
  narrow(IPVS_STATS_ATTR_OUTPKTS, s.outpkts);
  m.put_u64(IPVS_STATS_ATTR_INBYTES, s.inbytes);
  m.put_u64(IPVS_STATS_ATTR_OUTBYTES, s.outbytes);
  for (uint16_t rate : {IPVS_STATS_ATTR_CPS, IPVS_STATS_ATTR_INPPS, IPVS_STATS_ATTR_OUTPPS, IPVS_STATS_ATTR_INBPS,
                        IPVS_STATS_ATTR_OUTBPS})
    narrow(rate, 0);
  m.end_nest(nest);
}

}  // namespace

std::vector<uint8_t> encode_service_reply(const IpvsService& service, uint16_t family, uint32_t seq) {
  MessageBuilder m(family, NLM_F_MULTI, seq, IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION);
  size_t nest = m.begin_nest(IPVS_CMD_ATTR_SERVICE);
  const ServiceKey& key = service.service.key;
  put_service_identity(m, key);
  m.put_string(IPVS_SVC_ATTR_SCHED_NAME,
               service.scheduler_name.empty() ? name(service.service.scheduler) : service.scheduler_name);
  put_flags(m, service.flags, ~0u);
  m.put_u32(IPVS_SVC_ATTR_TIMEOUT, service.timeout);
  m.put_u32(IPVS_SVC_ATTR_NETMASK, service.netmask);
  put_stats(m, IPVS_SVC_ATTR_STATS, service.stats, false);
  put_stats(m, IPVS_SVC_ATTR_STATS64, service.stats, true);
  m.end_nest(nest);
  return std::move(m).finish();
}

std::vector<uint8_t> encode_dest_reply(const IpvsDest& dest, uint16_t family, uint32_t seq) {
  MessageBuilder m(family, NLM_F_MULTI, seq, IPVS_CMD_NEW_DEST, IPVS_GENL_VERSION);
  size_t nest = m.begin_nest(IPVS_CMD_ATTR_DEST);
  const RealServer& rs = dest.server.server;
  put_address(m, IPVS_DEST_ATTR_ADDR, rs.address);
  m.put_be16(IPVS_DEST_ATTR_PORT, rs.port);
  m.put_u32(IPVS_DEST_ATTR_FWD_METHOD, dest.forwarding_method);
  m.put_u32(IPVS_DEST_ATTR_WEIGHT, rs.weight);
  const uint8_t tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
  m.put(IPVS_DEST_ATTR_TUN_TYPE, std::span<const uint8_t>(&tun_type, 1));
  m.put_be16(IPVS_DEST_ATTR_TUN_PORT, 0);
  m.put_u16(IPVS_DEST_ATTR_TUN_FLAGS, 0);
  m.put_u32(IPVS_DEST_ATTR_U_THRESH, dest.upper_threshold);
  m.put_u32(IPVS_DEST_ATTR_L_THRESH, dest.lower_threshold);
  m.put_u32(IPVS_DEST_ATTR_ACTIVE_CONNS, dest.server.active_connections);
  m.put_u32(IPVS_DEST_ATTR_INACT_CONNS, dest.inactive_connections);
  m.put_u32(IPVS_DEST_ATTR_PERSIST_CONNS, dest.persistent_connections);
  m.put_u16(IPVS_DEST_ATTR_ADDR_FAMILY, address_family(rs.address.family));
  put_stats(m, IPVS_DEST_ATTR_STATS, dest.stats, false);
  put_stats(m, IPVS_DEST_ATTR_STATS64, dest.stats, true);
  m.end_nest(nest);
  return std::move(m).finish();
}

std::vector<uint8_t> encode_done(uint32_t seq) {
  // NLMSG_DONE carries an int (0); no genl header.
  std::vector<uint8_t> out(20, 0);
  uint32_t length = 20;
  uint16_t type = NLMSG_DONE, flags = NLM_F_MULTI;
  std::memcpy(out.data(), &length, 4);
  std::memcpy(out.data() + 4, &type, 2);
  std::memcpy(out.data() + 6, &flags, 2);
  std::memcpy(out.data() + 8, &seq, 4);
  return out;
}

}  // namespace pier::lb
