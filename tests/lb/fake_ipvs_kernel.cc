#include "fake_ipvs_kernel.h"

#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lb/ipvs_netlink.h"

namespace pier::lb::testing {
namespace {

using Bytes = std::vector<uint8_t>;

std::optional<IpAddress> address_of(const Attribute* attribute, Family family) {
  if (!attribute || attribute->payload.size() < (family == Family::kV4 ? 4u : 16u)) return std::nullopt;
  IpAddress address;
  address.family = family;
  std::copy_n(attribute->payload.begin(), family == Family::kV4 ? 4 : 16, address.bytes.begin());
  return address;
}

struct ServiceRequest {
  std::optional<ServiceKey> key;
  std::optional<std::string> scheduler;
  std::optional<uint32_t> flags, timeout;
};

ServiceRequest service_request(const Attributes& top) {
  ServiceRequest out;
  const Attribute* nest = top.find(IPVS_CMD_ATTR_SERVICE);
  if (!nest) return out;
  auto a = Attributes::parse(nest->payload, "service");
  if (!a) return out;
  auto af = a->find(IPVS_SVC_ATTR_AF) ? attribute_u16(*a->find(IPVS_SVC_ATTR_AF), "af") : fail(Error::invalid("af"));
  auto proto = a->find(IPVS_SVC_ATTR_PROTOCOL) ? attribute_u16(*a->find(IPVS_SVC_ATTR_PROTOCOL), "p") : fail(Error::invalid("p"));
  auto port = a->find(IPVS_SVC_ATTR_PORT) ? attribute_be16(*a->find(IPVS_SVC_ATTR_PORT), "port") : fail(Error::invalid("port"));
  if (!af || !proto || !port) return out;
  Family family = *af == AF_INET ? Family::kV4 : Family::kV6;
  auto vip = address_of(a->find(IPVS_SVC_ATTR_ADDR), family);
  if (!vip) return out;
  out.key = ServiceKey{*vip, *port, *proto == IPPROTO_TCP ? Protocol::kTcp : Protocol::kUdp};
  if (const Attribute* s = a->find(IPVS_SVC_ATTR_SCHED_NAME))
    if (auto name = attribute_string(*s, IP_VS_SCHEDNAME_MAXLEN, "sched")) out.scheduler = *name;
  if (const Attribute* f = a->find(IPVS_SVC_ATTR_FLAGS); f && f->payload.size() == sizeof(ip_vs_flags)) {
    ip_vs_flags flags;
    std::memcpy(&flags, f->payload.data(), sizeof flags);
    out.flags = flags.flags;
  }
  if (const Attribute* t = a->find(IPVS_SVC_ATTR_TIMEOUT))
    if (auto v = attribute_u32(*t, "timeout")) out.timeout = *v;
  return out;
}

struct DestRequest {
  std::optional<IpAddress> address;
  std::optional<uint16_t> port;
  std::optional<uint32_t> forwarding, weight;
};

DestRequest dest_request(const Attributes& top, Family service_family) {
  DestRequest out;
  const Attribute* nest = top.find(IPVS_CMD_ATTR_DEST);
  if (!nest) return out;
  auto a = Attributes::parse(nest->payload, "dest");
  if (!a) return out;
  Family family = service_family;
  if (const Attribute* af = a->find(IPVS_DEST_ATTR_ADDR_FAMILY))
    if (auto v = attribute_u16(*af, "af")) family = *v == AF_INET ? Family::kV4 : Family::kV6;
  out.address = address_of(a->find(IPVS_DEST_ATTR_ADDR), family);
  if (const Attribute* p = a->find(IPVS_DEST_ATTR_PORT))
    if (auto v = attribute_be16(*p, "port")) out.port = *v;
  if (const Attribute* f = a->find(IPVS_DEST_ATTR_FWD_METHOD))
    if (auto v = attribute_u32(*f, "fwd")) out.forwarding = *v;
  if (const Attribute* w = a->find(IPVS_DEST_ATTR_WEIGHT))
    if (auto v = attribute_u32(*w, "weight")) out.weight = *v;
  return out;
}

std::optional<Forwarding> forwarding_of(uint32_t method) {
  switch (method & IP_VS_CONN_F_FWD_MASK) {
    case IP_VS_CONN_F_MASQ: return Forwarding::kNat;
    case IP_VS_CONN_F_DROUTE: return Forwarding::kDr;
    case IP_VS_CONN_F_TUNNEL: return Forwarding::kTun;
    default: return std::nullopt;
  }
}

}  // namespace

Result<void> FakeIpvsKernel::send(std::span<const uint8_t> datagram) {
  auto messages = split_messages(datagram);
  if (!messages) return fail(messages.error());
  std::lock_guard lock(table_.mutex);
  for (const auto& m : *messages) handle(m.type, m.flags, m.seq, m.payload);
  return {};
}

Result<std::vector<uint8_t>> FakeIpvsKernel::receive() {
  if (queue_.empty()) return fail(Error::make(ErrorCode::kUnavailable, "netlink: no answer from the kernel", Retry::kYes));
  auto datagram = std::move(queue_.front());
  queue_.pop_front();
  return datagram;
}

void FakeIpvsKernel::ack(uint32_t seq, int error) {
  // struct nlmsghdr, then struct nlmsgerr {int error; struct nlmsghdr msg;}
  Bytes out(sizeof(nlmsghdr) + sizeof(nlmsgerr), 0);
  nlmsghdr header{};
  header.nlmsg_len = static_cast<uint32_t>(out.size());
  header.nlmsg_type = NLMSG_ERROR;
  header.nlmsg_flags = error == 0 ? NLM_F_CAPPED : 0;
  header.nlmsg_seq = seq;
  nlmsgerr body{};
  body.error = -error;
  body.msg.nlmsg_seq = seq;
  std::memcpy(out.data(), &header, sizeof header);
  std::memcpy(out.data() + sizeof header, &body, sizeof body);
  queue_.push_back(std::move(out));
}

void FakeIpvsKernel::handle(uint16_t type, uint16_t flags, uint32_t seq, std::span<const uint8_t> payload) {
  if (type == GENL_ID_CTRL) {
    if (!table_.has_ipvs) {
      ack(seq, ENOENT);
      return;
    }
    MessageBuilder reply(GENL_ID_CTRL, 0, seq, CTRL_CMD_NEWFAMILY, 2);
    reply.put_string(CTRL_ATTR_FAMILY_NAME, "IPVS");
    reply.put_u16(CTRL_ATTR_FAMILY_ID, kFamily);
    queue_.push_back(std::move(reply).finish());
    return;
  }
  if (type != kFamily) {
    ack(seq, EINVAL);
    return;
  }
  NetlinkMessage message{type, flags, seq, 0, payload};
  auto genl = genl_payload(message);
  if (!genl) {
    ack(seq, EINVAL);
    return;
  }
  uint8_t command = genl->command;
  ++table_.requests[command];
  if (auto it = table_.fail_next.find(command); it != table_.fail_next.end()) {
    int error = it->second;
    table_.fail_next.erase(it);
    ack(seq, error);
    return;
  }
  if (command == IPVS_CMD_GET_SERVICE && (flags & NLM_F_DUMP)) {
    Bytes datagram;
    size_t in_datagram = 0;
    for (const auto& [key, entry] : table_.services) {
      Bytes one = encode_service_reply(entry.service, kFamily, seq);
      datagram.insert(datagram.end(), one.begin(), one.end());
      if (++in_datagram == per_datagram_) {
        queue_.push_back(std::move(datagram));
        datagram.clear();
        in_datagram = 0;
      }
    }
    Bytes done = encode_done(seq);
    datagram.insert(datagram.end(), done.begin(), done.end());
    queue_.push_back(std::move(datagram));
    return;
  }
  if (command == IPVS_CMD_GET_DEST && (flags & NLM_F_DUMP)) {
    auto top = Attributes::parse(genl->attributes, "request");
    auto request = top ? service_request(*top) : ServiceRequest{};
    auto it = request.key ? table_.services.find(*request.key) : table_.services.end();
    if (it == table_.services.end()) {
      ack(seq, ESRCH);
      return;
    }
    Bytes datagram;
    for (const auto& dest : it->second.dests) {
      Bytes one = encode_dest_reply(dest, kFamily, seq);
      datagram.insert(datagram.end(), one.begin(), one.end());
    }
    Bytes done = encode_done(seq);
    datagram.insert(datagram.end(), done.begin(), done.end());
    queue_.push_back(std::move(datagram));
    return;
  }
  int error = execute(command, genl->attributes);
  if (error != 0 || (flags & NLM_F_ACK)) ack(seq, error);
}

int FakeIpvsKernel::execute(uint8_t command, std::span<const uint8_t> attributes) {
  auto top = Attributes::parse(attributes, "request");
  if (!top) return EINVAL;
  ServiceRequest service = service_request(*top);
  if (!service.key) return EINVAL;
  auto it = table_.services.find(*service.key);
  switch (command) {
    case IPVS_CMD_NEW_SERVICE: {
      if (it != table_.services.end()) return EEXIST;
      if (!service.scheduler || !service.flags || !service.timeout) return EINVAL;
      FakeIpvsTable::Service entry;
      entry.service.service.key = *service.key;
      entry.service.scheduler_name = *service.scheduler;
      entry.service.flags = *service.flags;
      entry.service.timeout = *service.timeout;
      entry.service.netmask = service.key->vip.family == Family::kV4 ? 0xffffffffu : 128u;
      table_.services.emplace(*service.key, std::move(entry));
      return 0;
    }
    case IPVS_CMD_SET_SERVICE:
      if (it == table_.services.end()) return ESRCH;
      if (service.scheduler) it->second.service.scheduler_name = *service.scheduler;
      if (service.flags) it->second.service.flags = *service.flags;
      if (service.timeout) it->second.service.timeout = *service.timeout;
      return 0;
    case IPVS_CMD_DEL_SERVICE:
      if (it == table_.services.end()) return ESRCH;
      table_.services.erase(it);
      return 0;
    case IPVS_CMD_NEW_DEST:
    case IPVS_CMD_SET_DEST:
    case IPVS_CMD_DEL_DEST: {
      if (it == table_.services.end()) return ESRCH;
      DestRequest dest = dest_request(*top, service.key->vip.family);
      if (!dest.address || !dest.port) return EINVAL;
      auto& dests = it->second.dests;
      auto found = std::find_if(dests.begin(), dests.end(), [&](const IpvsDest& d) {
        return d.server.server.address == *dest.address && d.server.server.port == *dest.port;
      });
      if (command == IPVS_CMD_DEL_DEST) {
        if (found == dests.end()) return ENOENT;
        dests.erase(found);
        return 0;
      }
      if (command == IPVS_CMD_NEW_DEST && found != dests.end()) return EEXIST;
      if (command == IPVS_CMD_SET_DEST && found == dests.end()) return ENOENT;
      if (!dest.forwarding || !dest.weight) return EINVAL;
      if (found == dests.end()) {
        IpvsDest added;
        added.server.server = RealServer{*dest.address, *dest.port, 0};
        dests.push_back(added);
        found = dests.end() - 1;
      }
      found->server.server.weight = *dest.weight;
      found->forwarding_method = *dest.forwarding & IP_VS_CONN_F_FWD_MASK;
      found->forwarding = forwarding_of(*dest.forwarding);
      return 0;
    }
    default:
      return EOPNOTSUPP;
  }
}

}  // namespace pier::lb::testing
