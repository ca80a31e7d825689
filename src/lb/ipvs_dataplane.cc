#include "lb/ipvs_dataplane.h"

#include <cerrno>

#include "lb/ipvs_netlink.h"

namespace pier::lb {
namespace {

// Bounds a dump: no kernel table needs more datagrams than this, and a
// peer that never ends one must not hang the controller.
constexpr size_t kMaxDumpDatagrams = 1'000'000;

}  // namespace

Result<std::unique_ptr<IpvsDataplane>> IpvsDataplane::open(std::unique_ptr<NetlinkChannel> channel,
                                                           std::filesystem::path ownership_file) {
  constexpr uint32_t kSeq = 1;
  auto sent = channel->send(encode_get_family("IPVS", kSeq));
  if (!sent) return fail(sent.error());
  auto reply = channel->receive();
  if (!reply) return fail(reply.error());
  auto family = decode_family_id(*reply, kSeq);
  if (!family) {
    Error error = family.error();
    error.message = "the kernel has no IPVS generic netlink family (load the module: modprobe ip_vs): " + error.message;
    return fail(error);
  }
  OwnedServices owned(std::move(ownership_file));
  auto loaded = owned.load();
  if (!loaded) return fail(loaded.error());
  auto dataplane = std::unique_ptr<IpvsDataplane>(new IpvsDataplane(std::move(channel), *family, std::move(owned)));
  dataplane->seq_ = kSeq + 1;
  return dataplane;
}

Result<DestDump> IpvsDataplane::dump_dests(const ServiceKey& key) {
  uint32_t seq = next_seq();
  auto sent = channel_->send(encode_get_dests(key, family_, seq));
  if (!sent) return fail(sent.error());
  DestDump dests;
  for (size_t i = 0; !dests.done; ++i) {
    if (i == kMaxDumpDatagrams) return fail(Error::make(ErrorCode::kInternal, "IPVS destination dump never ended", Retry::kResync));
    auto datagram = channel_->receive();
    if (!datagram) return fail(datagram.error());
    auto decoded = decode_dest_dump(*datagram, family_, seq, key.vip.family, dests);
    if (!decoded) {
      channel_->discard_pending();
      return fail(decoded.error());
    }
  }
  return dests;
}

Result<std::vector<IpvsDataplane::KernelService>> IpvsDataplane::dump() {
  uint32_t seq = next_seq();
  auto sent = channel_->send(encode_get_services(family_, seq));
  if (!sent) return fail(sent.error());
  ServiceDump services;
  for (size_t i = 0; !services.done; ++i) {
    if (i == kMaxDumpDatagrams) return fail(Error::make(ErrorCode::kInternal, "IPVS service dump never ended", Retry::kResync));
    auto datagram = channel_->receive();
    if (!datagram) return fail(datagram.error());
    auto decoded = decode_service_dump(*datagram, family_, seq, services);
    if (!decoded) {
      channel_->discard_pending();
      return fail(decoded.error());
    }
  }
  std::vector<KernelService> out;
  out.reserve(services.services.size());
  for (auto& service : services.services) {
    auto dests = dump_dests(service.service.key);
    if (!dests) {
      // A service removed between the two dumps (by someone else): its
      // destinations are gone with it.
      if (dests.error().code == ErrorCode::kNotFound) continue;
      return fail(dests.error());
    }
    out.push_back({std::move(service), std::move(*dests)});
  }
  return out;
}

Result<Actual> IpvsDataplane::read_actual() {
  auto kernel = dump();
  if (!kernel) return fail(kernel.error());
  Actual actual;
  for (const auto& entry : *kernel) {
    ActualService service = assemble_actual(entry.service, entry.dests);
    service.owned = owned_.contains(service.key);
    actual.services.emplace(service.key, std::move(service));
  }
  return actual;
}

Result<std::optional<std::vector<ActualRealServer>>> IpvsDataplane::read_real_servers(const ServiceKey& key) {
  auto dests = dump_dests(key);
  if (!dests) {
    if (dests.error().code == ErrorCode::kNotFound) return std::optional<std::vector<ActualRealServer>>{std::vector<ActualRealServer>{}};
    return fail(dests.error());
  }
  IpvsService service;
  service.service.key = key;
  return std::optional<std::vector<ActualRealServer>>{assemble_actual(service, *dests).real_servers};
}

Result<void> IpvsDataplane::request(const std::vector<uint8_t>& message, uint32_t seq, const std::string& what) {
  auto sent = channel_->send(message);
  if (!sent) return fail(sent.error());
  auto datagram = channel_->receive();
  if (!datagram) return fail(datagram.error());
  auto acks = decode_acks(*datagram);
  if (!acks) {
    channel_->discard_pending();
    return fail(acks.error());
  }
  for (const auto& ack : *acks) {
    if (ack.seq != seq) continue;
    if (ack.error == 0) return {};
    return fail(error_from_errno(ack.error, what, ack.message));
  }
  channel_->discard_pending();
  return fail(Error::make(ErrorCode::kInternal, what + ": the kernel's answer did not acknowledge it", Retry::kResync));
}

Result<void> IpvsDataplane::apply_one(const Operation& operation) {
  std::vector<RealServer> current;
  if (operation.kind == OperationKind::kUpdateService) {
    // Forwarding is kept per destination: a changed method is set on each.
    auto dests = dump_dests(operation.service);
    if (!dests) return fail(dests.error());
    for (const auto& dest : dests->dests)
      if (dest.forwarding != operation.forwarding) current.push_back(dest.server.server);
  }
  uint32_t first = seq_;
  auto messages = encode_operation(operation, family_, first, current);
  if (!messages) return fail(messages.error());
  seq_ += static_cast<uint32_t>(messages->size());
  for (size_t i = 0; i < messages->size(); ++i) {
    auto done = request((*messages)[i], first + static_cast<uint32_t>(i), operation.text());
    if (!done) return done;
  }
  return {};
}

ApplyReport IpvsDataplane::apply(std::span<const Operation> operations) {
  ApplyReport report;
  // Claimed before they exist, so that a crash between the two never leaves
  // a service of Pier's that Pier will not touch again.
  std::vector<ServiceKey> added, removed;
  for (const auto& op : operations)
    if (op.kind == OperationKind::kAddService) added.push_back(op.service);
  if (auto claimed = owned_.claim(added); !claimed) {
    for (const auto& op : operations) report.failed.push_back({op, claimed.error()});
    return report;
  }
  for (const auto& op : operations) {
    if (op.kind != OperationKind::kAddService && !owned_.contains(op.service)) {
      // The core never asks for this; refusing here keeps the promise even
      // if it ever did.
      report.failed.push_back({op, Error::make(ErrorCode::kConflict,
                                               op.text() + ": not a virtual service of Pier's; left alone")});
      continue;
    }
    auto done = apply_one(op);
    if (!done && op.kind == OperationKind::kRemoveService && done.error().code == ErrorCode::kNotFound)
      done = {};  // already gone: what was wanted
    if (!done) {
      report.failed.push_back({op, done.error()});
      continue;
    }
    ++report.applied;
    if (op.kind == OperationKind::kRemoveService) removed.push_back(op.service);
  }
  if (auto released = owned_.release(removed); !released) {
    // The services are gone; the stale entries are dropped on the next
    // successful release. Nothing to undo.
    report.failed.push_back({Operation{.kind = OperationKind::kRemoveService, .service = removed.front()}, released.error()});
  }
  return report;
}

Result<std::vector<ServiceTraffic>> IpvsDataplane::read_traffic() {
  auto kernel = dump();
  if (!kernel) return fail(kernel.error());
  std::vector<ServiceTraffic> traffic;
  auto counters = [](const IpvsStats& s) {
    return TrafficCounters{s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes};
  };
  for (const auto& entry : *kernel) {
    if (!owned_.contains(entry.service.service.key)) continue;
    ServiceTraffic service{entry.service.service.key, counters(entry.service.stats), {}};
    for (const auto& dest : entry.dests.dests)
      service.real_servers.push_back({dest.server.server.address, dest.server.server.port, counters(dest.stats)});
    traffic.push_back(std::move(service));
  }
  return traffic;
}

}  // namespace pier::lb
