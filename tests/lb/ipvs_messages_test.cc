// IPVS requests and dump replies against bytes written by hand from
// linux/ip_vs.h and the kernel's ip_vs_genl_fill_service / _fill_dest
// (host byte order little-endian; ports and the IPv4 netmask big-endian).
#include "lb/ipvs_messages.h"

#include <gtest/gtest.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "lb/ipvs_netlink.h"

namespace pier::lb {
namespace {

static_assert(std::endian::native == std::endian::little, "the fixtures are little-endian");

using Bytes = std::vector<uint8_t>;
constexpr uint16_t kFamily = 0x23;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

Operation service_op(OperationKind kind) {
  Operation op;
  op.kind = kind;
  op.service = ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp};
  op.scheduler = Scheduler::kWlc;
  op.forwarding = Forwarding::kNat;
  return op;
}

Operation dest_op(OperationKind kind) {
  Operation op = service_op(kind);
  op.server = RealServer{ip("10.1.0.130"), 8080, 3};
  return op;
}

Bytes one(const Operation& op, uint32_t seq) {
  auto messages = encode_operation(op, kFamily, seq);
  EXPECT_TRUE(messages) << (messages ? "" : messages.error().message);
  if (!messages || messages->size() != 1) return {};
  return (*messages)[0];
}

Bytes cut(const Bytes& bytes, size_t n) { return Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)); }

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// ------------------------------------------------------------- requests

TEST(IpvsMessages, NewServiceBytes) {
  Bytes expected = {
      0x68, 0x00, 0x00, 0x00, 0x23, 0x00, 0x05, 0x00,  // len 104, IPVS family, NLM_F_REQUEST | NLM_F_ACK
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // seq 1, pid 0
      0x01, 0x01, 0x00, 0x00,                          // IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION
      0x54, 0x00, 0x01, 0x00,                          // IPVS_CMD_ATTR_SERVICE, 84 bytes, no NLA_F_NESTED
      0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,  // AF AF_INET
      0x06, 0x00, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00,  // PROTOCOL IPPROTO_TCP
      0x14, 0x00, 0x03, 0x00, 0x0a, 0x01, 0x03, 0xe1,  // ADDR 10.1.3.225 ...
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // ... padded to 16
      0x06, 0x00, 0x04, 0x00, 0x00, 0x50, 0x00, 0x00,                          // PORT 80 big-endian
      0x08, 0x00, 0x06, 0x00, 'w',  'l',  'c',  0x00,                          // SCHED_NAME "wlc"
      0x0c, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // FLAGS {0, PERSISTENT}
      0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,                          // TIMEOUT 0
      0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,                          // NETMASK 255.255.255.255
  };
  EXPECT_EQ(one(service_op(OperationKind::kAddService), 1), expected);
}

TEST(IpvsMessages, NewDestBytes) {
  Bytes expected = {
      0x8c, 0x00, 0x00, 0x00, 0x23, 0x00, 0x05, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // len 140, seq 2
      0x05, 0x01, 0x00, 0x00,                          // IPVS_CMD_NEW_DEST
      0x30, 0x00, 0x01, 0x00,                          // IPVS_CMD_ATTR_SERVICE, 48 bytes: identity only
      0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,  // AF
      0x06, 0x00, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00,  // PROTOCOL
      0x14, 0x00, 0x03, 0x00, 0x0a, 0x01, 0x03, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,                          // ADDR
      0x06, 0x00, 0x04, 0x00, 0x00, 0x50, 0x00, 0x00,  // PORT 80
      0x48, 0x00, 0x02, 0x00,                          // IPVS_CMD_ATTR_DEST, 72 bytes
      0x14, 0x00, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,                          // ADDR 10.1.0.130
      0x06, 0x00, 0x02, 0x00, 0x1f, 0x90, 0x00, 0x00,  // PORT 8080
      0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,  // FWD_METHOD IP_VS_CONN_F_MASQ
      0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00,  // WEIGHT 3
      0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,  // U_THRESH 0
      0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,  // L_THRESH 0
      0x06, 0x00, 0x0b, 0x00, 0x02, 0x00, 0x00, 0x00,  // ADDR_FAMILY AF_INET
  };
  EXPECT_EQ(one(dest_op(OperationKind::kAddRealServer), 2), expected);
}

TEST(IpvsMessages, DeleteServiceAndDestCarryOnlyIdentity) {
  Bytes del_service = one(service_op(OperationKind::kRemoveService), 3);
  ASSERT_EQ(del_service.size(), 16u + 4 + 48);
  EXPECT_EQ(del_service[16], 3);  // IPVS_CMD_DEL_SERVICE
  EXPECT_EQ(del_service[20], 0x30);

  Bytes del_dest = one(dest_op(OperationKind::kRemoveRealServer), 4);
  // service identity 48 + dest nest (4 + ADDR 20 + PORT 8)
  ASSERT_EQ(del_dest.size(), 16u + 4 + 48 + 32);
  EXPECT_EQ(del_dest[16], 7);  // IPVS_CMD_DEL_DEST
  Bytes dest_nest = {0x20, 0x00, 0x02, 0x00, 0x14, 0x00, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x82};
  EXPECT_EQ(Bytes(del_dest.begin() + 68, del_dest.begin() + 80), dest_nest);
}

TEST(IpvsMessages, SetServiceWithPersistence) {
  Operation op = service_op(OperationKind::kUpdateService);
  op.scheduler = Scheduler::kSh;
  op.persistence_seconds = 300;
  Bytes m = one(op, 5);
  ASSERT_EQ(m.size(), 104u);
  EXPECT_EQ(m[16], 2);  // IPVS_CMD_SET_SERVICE
  Bytes tail = {
      0x07, 0x00, 0x06, 0x00, 's',  'h',  0x00, 0x00,                          // SCHED_NAME "sh", len 7 + 1 pad
      0x0c, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // FLAGS {PERSISTENT, PERSISTENT}
      0x08, 0x00, 0x08, 0x00, 0x2c, 0x01, 0x00, 0x00,                          // TIMEOUT 300
      0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,
  };
  EXPECT_EQ(Bytes(m.end() - 36, m.end()), tail);
}

TEST(IpvsMessages, UpdateServiceEditsEachDestinationsForwarding) {
  Operation op = service_op(OperationKind::kUpdateService);
  op.forwarding = Forwarding::kDr;
  std::vector<RealServer> servers = {{ip("10.1.0.130"), 80, 1}, {ip("10.1.0.131"), 80, 0}};
  auto messages = encode_operation(op, kFamily, 20, servers);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 3u);
  EXPECT_EQ((*messages)[0][16], 2);  // SET_SERVICE
  for (size_t i = 1; i < 3; ++i) {
    const Bytes& m = (*messages)[i];
    EXPECT_EQ(m[16], 6);                    // IPVS_CMD_SET_DEST
    EXPECT_EQ(m[8], 20 + i);                // seq 21, 22
    EXPECT_EQ(m[72 + 20 + 8 + 4], 0x03);    // FWD_METHOD payload: IP_VS_CONN_F_DROUTE
    EXPECT_EQ(m[72 + 20 + 8 + 8 + 4], servers[i - 1].weight);  // weights kept
  }
}

TEST(IpvsMessages, TunnelForwarding) {
  Operation op = dest_op(OperationKind::kUpdateRealServer);
  op.forwarding = Forwarding::kTun;
  Bytes m = one(op, 6);
  EXPECT_EQ(m[16], 6);  // SET_DEST
  EXPECT_EQ(m[72 + 20 + 8 + 4], 0x02);  // IP_VS_CONN_F_TUNNEL
}

TEST(IpvsMessages, FullNatIsAClearError) {
  Operation op = dest_op(OperationKind::kAddRealServer);
  op.forwarding = Forwarding::kFullNat;
  auto messages = encode_operation(op, kFamily, 1);
  ASSERT_FALSE(messages);
  EXPECT_EQ(messages.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(messages.error().message.find("fullnat"), std::string::npos);
  EXPECT_NE(messages.error().message.find("nat, dr and tun"), std::string::npos);
  Operation add = service_op(OperationKind::kAddService);
  add.forwarding = Forwarding::kFullNat;
  EXPECT_FALSE(encode_operation(add, kFamily, 1));
  // Removing what an out-of-tree kernel made still works.
  op.kind = OperationKind::kRemoveRealServer;
  EXPECT_TRUE(encode_operation(op, kFamily, 1));
}

TEST(IpvsMessages, RejectsWeightsTheKernelCannotHoldAndMixedFamilies) {
  Operation op = dest_op(OperationKind::kAddRealServer);
  op.server.weight = 0x80000000u;
  EXPECT_FALSE(encode_operation(op, kFamily, 1));
  op.server = RealServer{ip("2001:db8::5"), 80, 1};
  EXPECT_FALSE(encode_operation(op, kFamily, 1));
}

TEST(IpvsMessages, Ipv6ServiceUsesPrefixLengthNetmask) {
  Operation op = service_op(OperationKind::kAddService);
  op.service = ServiceKey{ip("2001:db8::10"), 443, Protocol::kUdp};
  Bytes m = one(op, 1);
  ASSERT_EQ(m.size(), 104u);
  EXPECT_EQ(m[28], 10);   // AF_INET6
  EXPECT_EQ(m[36], 17);   // IPPROTO_UDP
  Bytes addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
  EXPECT_EQ(Bytes(m.begin() + 44, m.begin() + 60), addr);
  Bytes port = {0x01, 0xbb};
  EXPECT_EQ(Bytes(m.begin() + 64, m.begin() + 66), port);
  Bytes netmask = {0x08, 0x00, 0x09, 0x00, 0x80, 0x00, 0x00, 0x00};  // 128
  EXPECT_EQ(Bytes(m.end() - 8, m.end()), netmask);
}

TEST(IpvsMessages, DumpRequests) {
  Bytes services = {
      0x14, 0x00, 0x00, 0x00, 0x23, 0x00, 0x01, 0x03,  // len 20, NLM_F_REQUEST | NLM_F_DUMP
      0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      0x04, 0x01, 0x00, 0x00,                          // IPVS_CMD_GET_SERVICE, no attributes
  };
  EXPECT_EQ(encode_get_services(kFamily, 9), services);
  Bytes dests = encode_get_dests(ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp}, kFamily, 10);
  ASSERT_EQ(dests.size(), 16u + 4 + 48);
  EXPECT_EQ(dests[6], 0x01);
  EXPECT_EQ(dests[7], 0x03);
  EXPECT_EQ(dests[16], 8);  // IPVS_CMD_GET_DEST
  // The same service identity nest as DEL_SERVICE.
  Bytes del = one(service_op(OperationKind::kRemoveService), 1);
  EXPECT_EQ(Bytes(dests.begin() + 20, dests.begin() + 68), Bytes(del.begin() + 20, del.begin() + 68));
}

// -------------------------------------------------------------- replies

// One service as ip_vs_genl_fill_service writes it (STATS64 only, as if
// the 32-bit STATS were left out), then NLMSG_DONE.
Bytes service_dump_fixture() {
  return {
      0xa8, 0x00, 0x00, 0x00, 0x23, 0x00, 0x02, 0x00,  // len 168, IPVS family, NLM_F_MULTI
      0x09, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  // seq 9, pid 12345
      0x01, 0x01, 0x00, 0x00,                          // IPVS_CMD_NEW_SERVICE
      0x94, 0x00, 0x01, 0x00,                          // IPVS_CMD_ATTR_SERVICE, 148 bytes
      0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,  // AF_INET
      0x06, 0x00, 0x02, 0x00, 0x06, 0x00, 0x00, 0x00,  // TCP
      0x14, 0x00, 0x03, 0x00, 0x0a, 0x01, 0x03, 0xe1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,                                                  // 10.1.3.225
      0x06, 0x00, 0x04, 0x00, 0x00, 0x50, 0x00, 0x00,                          // port 80
      0x08, 0x00, 0x06, 0x00, 'w',  'l',  'c',  0x00,                          // "wlc"
      0x0c, 0x00, 0x07, 0x00, 0x03, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,  // PERSISTENT | HASHED, mask ~0
      0x08, 0x00, 0x08, 0x00, 0x2c, 0x01, 0x00, 0x00,                          // timeout 300
      0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,                          // netmask
      0x40, 0x00, 0x0c, 0x00,                                                  // STATS64, 64 bytes
      0x0c, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // conns 5
      0x0c, 0x00, 0x02, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // inpkts 100
      0x0c, 0x00, 0x03, 0x00, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // outpkts 90
      0x0c, 0x00, 0x04, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // inbytes 6000
      0x0c, 0x00, 0x05, 0x00, 0xc0, 0xd4, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,  // outbytes 120000
      // NLMSG_DONE
      0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,
  };
}
constexpr size_t kServiceMessageEnd = 168;

// One destination as ip_vs_genl_fill_dest writes it on a kernel with only
// the 32-bit STATS (before 4.x).
Bytes dest_dump_fixture() {
  return {
      0xa8, 0x00, 0x00, 0x00, 0x23, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  // seq 10
      0x05, 0x01, 0x00, 0x00,  // IPVS_CMD_NEW_DEST
      0x94, 0x00, 0x02, 0x00,  // IPVS_CMD_ATTR_DEST, 148 bytes
      0x14, 0x00, 0x01, 0x00, 0x0a, 0x01, 0x00, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,                          // 10.1.0.130
      0x06, 0x00, 0x02, 0x00, 0x1f, 0x90, 0x00, 0x00,  // port 8080
      0x08, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,  // MASQ
      0x08, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x00,  // weight 3
      0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,  // u_thresh
      0x08, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,  // l_thresh
      0x08, 0x00, 0x07, 0x00, 0x07, 0x00, 0x00, 0x00,  // active 7
      0x08, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00,  // inactive 2
      0x08, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,  // persistent 0
      0x06, 0x00, 0x0b, 0x00, 0x02, 0x00, 0x00, 0x00,  // ADDR_FAMILY AF_INET
      0x34, 0x00, 0x0a, 0x00,                          // STATS, 52 bytes
      0x08, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,  // conns 4
      0x08, 0x00, 0x02, 0x00, 0x28, 0x00, 0x00, 0x00,  // inpkts 40
      0x08, 0x00, 0x03, 0x00, 0x1e, 0x00, 0x00, 0x00,  // outpkts 30
      0x0c, 0x00, 0x04, 0x00, 0xa0, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // inbytes 4000
      0x0c, 0x00, 0x05, 0x00, 0x20, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // outbytes 20000
  };
}

Bytes done_fixture(uint32_t seq) {
  return {0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, static_cast<uint8_t>(seq), 0x00, 0x00, 0x00,
          0x39, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
}

TEST(IpvsMessages, DecodesServiceDump) {
  ServiceDump dump;
  auto ok = decode_service_dump(service_dump_fixture(), kFamily, 9, dump);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(dump.done);
  ASSERT_EQ(dump.services.size(), 1u);
  const IpvsService& s = dump.services[0];
  EXPECT_EQ(s.service.key, (ServiceKey{ip("10.1.3.225"), 80, Protocol::kTcp}));
  EXPECT_EQ(s.service.scheduler, Scheduler::kWlc);
  EXPECT_EQ(s.scheduler_name, "wlc");
  EXPECT_EQ(s.service.persistence_seconds, 300u);
  EXPECT_FALSE(s.service.owned);
  EXPECT_EQ(s.flags, 3u);
  EXPECT_EQ(s.netmask, 0xffffffffu);
  EXPECT_EQ(s.stats, (IpvsStats{5, 100, 90, 6000, 120000}));
}

TEST(IpvsMessages, DecodesDestDumpOverTwoDatagrams) {
  DestDump dump;
  auto ok = decode_dest_dump(dest_dump_fixture(), kFamily, 10, Family::kV4, dump);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_FALSE(dump.done);
  ASSERT_TRUE(decode_dest_dump(done_fixture(10), kFamily, 10, Family::kV4, dump));
  EXPECT_TRUE(dump.done);
  ASSERT_EQ(dump.dests.size(), 1u);
  const IpvsDest& d = dump.dests[0];
  EXPECT_EQ(d.server.server, (RealServer{ip("10.1.0.130"), 8080, 3}));
  EXPECT_EQ(d.server.active_connections, 7u);
  EXPECT_EQ(d.inactive_connections, 2u);
  EXPECT_EQ(d.forwarding, Forwarding::kNat);
  EXPECT_EQ(d.stats, (IpvsStats{4, 40, 30, 4000, 20000}));
  // Past the end of the dump nothing more is accepted.
  EXPECT_FALSE(decode_dest_dump(done_fixture(10), kFamily, 10, Family::kV4, dump));
}

TEST(IpvsMessages, ServiceDumpTruncatedAnywhereIsAnError) {
  Bytes full = service_dump_fixture();
  for (size_t n = 0; n < full.size(); ++n) {
    ServiceDump dump;
    auto ok = decode_service_dump(cut(full, n), kFamily, 9, dump);
    if (n == kServiceMessageEnd) {
      // A whole message without its NLMSG_DONE is a valid datagram: the
      // dump simply is not done yet.
      ASSERT_TRUE(ok) << ok.error().message;
      EXPECT_FALSE(dump.done);
      EXPECT_EQ(dump.services.size(), 1u);
    } else {
      EXPECT_FALSE(ok) << "cut at " << n;
    }
  }
}

TEST(IpvsMessages, DestDumpTruncatedAnywhereIsAnError) {
  Bytes full = dest_dump_fixture();
  for (size_t n = 0; n < full.size(); ++n) {
    DestDump dump;
    EXPECT_FALSE(decode_dest_dump(cut(full, n), kFamily, 10, Family::kV4, dump)) << "cut at " << n;
  }
}

TEST(IpvsMessages, CorruptedBytesNeverCrash) {
  // Every byte replaced by a few values: the decoders may accept or reject,
  // but must read only inside the buffer (run under valgrind / ASan).
  for (const Bytes& fixture : {service_dump_fixture(), dest_dump_fixture()}) {
    for (size_t i = 0; i < fixture.size(); ++i) {
      for (uint8_t value : {uint8_t{0x00}, uint8_t{0xff}, uint8_t(fixture[i] + 1), uint8_t(fixture[i] ^ 0x80)}) {
        Bytes bytes = fixture;
        bytes[i] = value;
        ServiceDump services;
        (void)decode_service_dump(bytes, kFamily, bytes[8], services);
        DestDump dests;
        (void)decode_dest_dump(bytes, kFamily, bytes[8], Family::kV4, dests);
        (void)decode_acks(bytes);
      }
    }
  }
}

TEST(IpvsMessages, DumpErrorCarriesRetryHint) {
  Bytes error = {
      0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  //
      0xf4, 0xff, 0xff, 0xff,  // -ENOMEM
      0x14, 0x00, 0x00, 0x00, 0x23, 0x00, 0x01, 0x03, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  ServiceDump dump;
  auto ok = decode_service_dump(error, kFamily, 9, dump);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().retry, Retry::kYes);
  EXPECT_NE(ok.error().message.find("reading IPVS services"), std::string::npos);
}

TEST(IpvsMessages, RejectsOtherSequenceTypeCommandAndInterruptedDumps) {
  ServiceDump dump;
  EXPECT_FALSE(decode_service_dump(service_dump_fixture(), kFamily, 8, dump));  // seq
  EXPECT_FALSE(decode_service_dump(service_dump_fixture(), 0x24, 9, dump));     // family
  Bytes wrong_command = service_dump_fixture();
  wrong_command[16] = 5;
  EXPECT_FALSE(decode_service_dump(wrong_command, kFamily, 9, dump));
  Bytes interrupted = service_dump_fixture();
  interrupted[6] |= 0x10;  // NLM_F_DUMP_INTR
  auto ok = decode_service_dump(interrupted, kFamily, 9, dump);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().retry, Retry::kResync);
  // A service message is no destination.
  DestDump dests;
  EXPECT_FALSE(decode_dest_dump(service_dump_fixture(), kFamily, 9, Family::kV4, dests));
}

TEST(IpvsMessages, AcceptsNestedFlag) {
  Bytes flagged = service_dump_fixture();
  flagged[23] |= 0x80;   // IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED
  flagged[107] |= 0x80;  // STATS64 | NLA_F_NESTED
  ServiceDump dump;
  auto ok = decode_service_dump(flagged, kFamily, 9, dump);
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(dump.services.size(), 1u);
  EXPECT_EQ(dump.services[0].stats.conns, 5u);
}

TEST(IpvsMessages, MissingRequiredAttributeIsAnError) {
  Bytes no_sched = service_dump_fixture();
  no_sched[70] = 0x0f;  // SCHED_NAME renamed to an unknown attribute type 15
  ServiceDump dump;
  auto ok = decode_service_dump(no_sched, kFamily, 9, dump);
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().message.find("IPVS_SVC_ATTR_SCHED_NAME"), std::string::npos);
}

TEST(IpvsMessages, SkipsFirewallMarkAndSctpServices) {
  Bytes sctp = service_dump_fixture();
  sctp[36] = 132;  // IPPROTO_SCTP
  ServiceDump dump;
  ASSERT_TRUE(decode_service_dump(sctp, kFamily, 9, dump));
  EXPECT_TRUE(dump.services.empty());
  EXPECT_EQ(dump.skipped, 1u);

  // A firewall-mark service: AF, FWMARK instead of protocol/address/port.
  Bytes fwmark = {
      0x50, 0x00, 0x00, 0x00, 0x23, 0x00, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  // len 80
      0x01, 0x01, 0x00, 0x00,                                                                          //
      0x3c, 0x00, 0x01, 0x00,                                                                          // 60 bytes
      0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,                                                  // AF_INET
      0x08, 0x00, 0x05, 0x00, 0x2a, 0x00, 0x00, 0x00,                                                  // FWMARK 42
      0x08, 0x00, 0x06, 0x00, 'r',  'r',  0x00, 0x00,                                                  //
      0x0c, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,                          //
      0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,                                                  //
      0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff,                                                  //
      0x04, 0x00, 0x0a, 0x00,                                                                          // empty STATS
  };
  ServiceDump marks;
  auto ok = decode_service_dump(concat({fwmark, done_fixture(9)}), kFamily, 9, marks);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(marks.done);
  EXPECT_EQ(marks.skipped, 1u);
}

TEST(IpvsMessages, UnknownSchedulerIsKeptByName) {
  Bytes fixture = service_dump_fixture();
  fixture[72] = 'x';  // "xlc"
  ServiceDump dump;
  ASSERT_TRUE(decode_service_dump(fixture, kFamily, 9, dump));
  ASSERT_EQ(dump.services.size(), 1u);
  EXPECT_FALSE(dump.services[0].known_scheduler);
  EXPECT_EQ(dump.services[0].scheduler_name, "xlc");
}

// --------------------------------------------------------- round trips

IpvsService make_service(const char* vip, uint16_t port, Protocol protocol, Scheduler scheduler, uint32_t persist,
                         uint64_t seed) {
  IpvsService s;
  s.service.key = ServiceKey{ip(vip), port, protocol};
  s.service.scheduler = scheduler;
  s.scheduler_name = std::string(name(scheduler));
  s.service.persistence_seconds = persist;
  s.flags = 0x2 | (persist ? 0x1u : 0u);  // IP_VS_SVC_F_HASHED, as the kernel reports it
  s.timeout = persist;
  s.netmask = s.service.key.vip.family == Family::kV4 ? 0xffffffffu : 128u;
  s.stats = IpvsStats{seed, seed * 10, seed * 9, (uint64_t{1} << 33) + seed, (uint64_t{1} << 40) + seed};
  return s;
}

TEST(IpvsMessages, ServiceRoundTripOverSeveralDatagrams) {
  std::vector<IpvsService> services = {
      make_service("10.1.3.225", 80, Protocol::kTcp, Scheduler::kWlc, 0, 1),
      make_service("10.1.3.225", 53, Protocol::kUdp, Scheduler::kRr, 0, 2),
      make_service("2001:db8::10", 443, Protocol::kTcp, Scheduler::kSh, 3600, 3),
      make_service("10.20.3.227", 8443, Protocol::kTcp, Scheduler::kMh, 300, 4),
  };
  // The kernel fills a datagram with as many messages as fit: two, then two and DONE.
  Bytes first = concat({encode_service_reply(services[0], kFamily, 9), encode_service_reply(services[1], kFamily, 9)});
  Bytes second = concat({encode_service_reply(services[2], kFamily, 9), encode_service_reply(services[3], kFamily, 9),
                         encode_done(9)});
  ServiceDump dump;
  ASSERT_TRUE(decode_service_dump(first, kFamily, 9, dump));
  EXPECT_FALSE(dump.done);
  auto ok = decode_service_dump(second, kFamily, 9, dump);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(dump.done);
  ASSERT_EQ(dump.services.size(), services.size());
  for (size_t i = 0; i < services.size(); ++i) {
    const IpvsService& got = dump.services[i];
    EXPECT_EQ(got.service.key, services[i].service.key) << i;
    EXPECT_EQ(got.service.scheduler, services[i].service.scheduler) << i;
    EXPECT_EQ(got.service.persistence_seconds, services[i].service.persistence_seconds) << i;
    EXPECT_EQ(got.flags, services[i].flags) << i;
    EXPECT_EQ(got.netmask, services[i].netmask) << i;
    EXPECT_EQ(got.stats, services[i].stats) << i;  // from STATS64: no 32-bit truncation
  }
  // The full kernel form, truncated anywhere inside a message, is an error.
  for (size_t n = 0; n < second.size(); ++n) {
    ServiceDump partial;
    auto r = decode_service_dump(cut(second, n), kFamily, 9, partial);
    size_t one_message = encode_service_reply(services[2], kFamily, 9).size();
    size_t two_messages = one_message + encode_service_reply(services[3], kFamily, 9).size();
    EXPECT_EQ(r.has_value(), n == one_message || n == two_messages) << n;
  }
}

TEST(IpvsMessages, DestRoundTripAndAssemble) {
  std::vector<IpvsDest> dests(3);
  const char* addresses[] = {"10.1.0.131", "10.1.0.130", "10.1.0.132"};
  for (size_t i = 0; i < dests.size(); ++i) {
    dests[i].server.server = RealServer{ip(addresses[i]), 8080, static_cast<uint32_t>(i)};
    dests[i].server.active_connections = static_cast<uint32_t>(10 * i);
    dests[i].inactive_connections = static_cast<uint32_t>(i);
    dests[i].forwarding_method = 3;  // DROUTE
    dests[i].stats = IpvsStats{i, i + 1, i + 2, (uint64_t{1} << 35) + i, i + 4};
  }
  Bytes datagram;
  for (const IpvsDest& d : dests) datagram = concat({datagram, encode_dest_reply(d, kFamily, 11)});
  datagram = concat({datagram, encode_done(11)});
  DestDump dump;
  auto ok = decode_dest_dump(datagram, kFamily, 11, Family::kV4, dump);
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_TRUE(dump.done);
  ASSERT_EQ(dump.dests.size(), 3u);
  for (size_t i = 0; i < dests.size(); ++i) {
    EXPECT_EQ(dump.dests[i].server.server, dests[i].server.server);
    EXPECT_EQ(dump.dests[i].server.active_connections, dests[i].server.active_connections);
    EXPECT_EQ(dump.dests[i].inactive_connections, dests[i].inactive_connections);
    EXPECT_EQ(dump.dests[i].forwarding, Forwarding::kDr);
    EXPECT_EQ(dump.dests[i].stats, dests[i].stats);
  }
  for (size_t n = 0; n + 20 < datagram.size(); ++n) {
    DestDump partial;
    bool boundary = n == 0 ? false : (n % encode_dest_reply(dests[0], kFamily, 11).size()) == 0;
    EXPECT_EQ(decode_dest_dump(cut(datagram, n), kFamily, 11, Family::kV4, partial).has_value(), boundary) << n;
  }

  IpvsService service = make_service("10.1.3.225", 8080, Protocol::kTcp, Scheduler::kWlc, 0, 1);
  ActualService actual = assemble_actual(service, dump);
  EXPECT_EQ(actual.forwarding, Forwarding::kDr);
  ASSERT_EQ(actual.real_servers.size(), 3u);
  EXPECT_EQ(actual.real_servers[0].server.address, ip("10.1.0.130"));  // sorted by endpoint
  EXPECT_EQ(actual.real_servers[0].active_connections, 10u);
  EXPECT_EQ(actual.real_servers[2].server.address, ip("10.1.0.132"));
}

TEST(IpvsMessages, EncodedOperationsDecodeBackAsTheKernelReadsThem) {
  // What we send is what a dump would report back: read our own NEW_DEST
  // with the reply decoder's attribute walk (same nests, same types).
  Bytes m = one(dest_op(OperationKind::kAddRealServer), 2);
  auto messages = split_messages(m);
  ASSERT_TRUE(messages);
  auto genl = genl_payload((*messages)[0]);
  ASSERT_TRUE(genl);
  auto top = Attributes::parse(genl->attributes, "request");
  ASSERT_TRUE(top);
  const Attribute* dest = top->find(2);  // IPVS_CMD_ATTR_DEST
  ASSERT_NE(dest, nullptr);
  auto inner = Attributes::parse(dest->payload, "dest");
  ASSERT_TRUE(inner);
  EXPECT_EQ(*attribute_be16(*inner->find(2), "port"), 8080);
  EXPECT_EQ(*attribute_u32(*inner->find(4), "weight"), 3u);
}

}  // namespace
}  // namespace pier::lb
