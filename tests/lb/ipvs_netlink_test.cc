// Generic netlink framing against bytes written by hand from
// linux/netlink.h and linux/genetlink.h (host byte order: little-endian).
#include "lb/ipvs_netlink.h"

#include <gtest/gtest.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <vector>

namespace pier::lb {
namespace {

static_assert(std::endian::native == std::endian::little, "the fixtures are little-endian");

using Bytes = std::vector<uint8_t>;

TEST(IpvsNetlink, GetFamilyRequestBytes) {
  Bytes expected = {
      0x20, 0x00, 0x00, 0x00,  // nlmsg_len 32
      0x10, 0x00,              // nlmsg_type GENL_ID_CTRL
      0x01, 0x00,              // NLM_F_REQUEST
      0x07, 0x00, 0x00, 0x00,  // seq 7
      0x00, 0x00, 0x00, 0x00,  // pid 0
      0x03, 0x01, 0x00, 0x00,  // CTRL_CMD_GETFAMILY, version 1, reserved
      0x09, 0x00, 0x02, 0x00,  // nla_len 9, CTRL_ATTR_FAMILY_NAME
      'I',  'P',  'V',  'S',  0x00, 0x00, 0x00, 0x00,  // "IPVS\0" + 3 bytes padding
  };
  EXPECT_EQ(encode_get_family("IPVS", 7), expected);
}

// CTRL_CMD_NEWFAMILY as the kernel's ctrl_fill_info starts it (the OPS and
// MCAST_GROUPS nests left out: the decoder skips what it does not need).
Bytes family_reply() {
  return {
      0x40, 0x00, 0x00, 0x00,  // nlmsg_len 64
      0x10, 0x00, 0x00, 0x00,  // GENL_ID_CTRL, no flags
      0x07, 0x00, 0x00, 0x00,  // seq 7
      0x39, 0x30, 0x00, 0x00,  // pid 12345
      0x01, 0x02, 0x00, 0x00,  // CTRL_CMD_NEWFAMILY, version 2
      0x09, 0x00, 0x02, 0x00, 'I', 'P', 'V', 'S', 0x00, 0x00, 0x00, 0x00,  // CTRL_ATTR_FAMILY_NAME
      0x06, 0x00, 0x01, 0x00, 0x23, 0x00, 0x00, 0x00,                      // CTRL_ATTR_FAMILY_ID 0x23
      0x08, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,                      // CTRL_ATTR_VERSION 1
      0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,                      // CTRL_ATTR_HDRSIZE 0
      0x08, 0x00, 0x05, 0x00, 0x06, 0x00, 0x00, 0x00,                      // CTRL_ATTR_MAXATTR 6
  };
}

TEST(IpvsNetlink, DecodesFamilyId) {
  auto id = decode_family_id(family_reply(), 7);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, 0x23);
}

TEST(IpvsNetlink, FamilyReplyOfAnotherSequenceIsAnError) {
  auto id = decode_family_id(family_reply(), 8);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().retry, Retry::kResync);
}

TEST(IpvsNetlink, FamilyReplyTruncatedAnywhereIsAnError) {
  Bytes full = family_reply();
  for (size_t cut = 0; cut < full.size(); ++cut) {
    Bytes part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(decode_family_id(part, 7)) << "cut at " << cut;
  }
}

TEST(IpvsNetlink, UnknownFamilyIsNotFound) {
  Bytes reply = {
      0x24, 0x00, 0x00, 0x00,  // nlmsg_len 36
      0x02, 0x00,              // NLMSG_ERROR
      0x00, 0x01,              // NLM_F_CAPPED: the request's payload is not quoted
      0x07, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,
      0xfe, 0xff, 0xff, 0xff,  // error -ENOENT
      0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request header
  };
  auto id = decode_family_id(reply, 7);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kNotFound);
  EXPECT_NE(id.error().message.find("resolving generic netlink family"), std::string::npos);
}

TEST(IpvsNetlink, AcksWithExtendedMessage) {
  Bytes datagram = {
      // ack for seq 10: error 0, capped
      0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  //
      0x00, 0x00, 0x00, 0x00,                                                                          // error 0
      0x20, 0x00, 0x00, 0x00, 0x23, 0x00, 0x05, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      // seq 11: -EEXIST, capped, with NLMSGERR_ATTR_MSG (NLM_F_CAPPED | NLM_F_ACK_TLVS)
      0x30, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x03, 0x0b, 0x00, 0x00, 0x00, 0x39, 0x30, 0x00, 0x00,  //
      0xef, 0xff, 0xff, 0xff,                                                                          // -17
      0x20, 0x00, 0x00, 0x00, 0x23, 0x00, 0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      0x0b, 0x00, 0x01, 0x00, 'e', 'x', 'i', 's', 't', 's', 0x00, 0x00,                                // "exists"
  };
  auto acks = decode_acks(datagram);
  ASSERT_TRUE(acks) << acks.error().message;
  ASSERT_EQ(acks->size(), 2u);
  EXPECT_EQ((*acks)[0].seq, 10u);
  EXPECT_EQ((*acks)[0].error, 0);
  EXPECT_EQ((*acks)[1].seq, 11u);
  EXPECT_EQ((*acks)[1].error, EEXIST);
  EXPECT_EQ((*acks)[1].message, "exists");
}

TEST(IpvsNetlink, UncappedErrorQuotesTheRequestBeforeItsTlvs) {
  Bytes datagram = {
      0x34, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02,  // len 52, NLMSG_ERROR, NLM_F_ACK_TLVS only
      0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
      0xf0, 0xff, 0xff, 0xff,                          // -EBUSY
      0x18, 0x00, 0x00, 0x00, 0x23, 0x00, 0x05, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // request, 24 bytes
      0x01, 0x02, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00,                                                  // its payload
      0x08, 0x00, 0x01, 0x00, 'b', 'u', 's', 0x00,                                                     // "bus"
  };
  auto acks = decode_acks(datagram);
  ASSERT_TRUE(acks) << acks.error().message;
  ASSERT_EQ(acks->size(), 1u);
  EXPECT_EQ((*acks)[0].error, EBUSY);
  EXPECT_EQ((*acks)[0].message, "bus");
  for (size_t cut = 0; cut < datagram.size(); ++cut)
    EXPECT_FALSE(decode_acks(Bytes(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(cut))))
        << cut;
}

TEST(IpvsNetlink, ErrnoRetryHints) {
  for (int e : {EBUSY, ENOMEM, EAGAIN}) {
    Error error = error_from_errno(e, "adding 10.1.3.225:80/TCP");
    EXPECT_EQ(error.retry, Retry::kYes) << e;
    EXPECT_EQ(error.code, ErrorCode::kUnavailable);
    EXPECT_NE(error.message.find("adding 10.1.3.225:80/TCP"), std::string::npos);
  }
  EXPECT_EQ(error_from_errno(EEXIST, "x").retry, Retry::kResync);
  EXPECT_EQ(error_from_errno(ESRCH, "x").code, ErrorCode::kNotFound);
  EXPECT_EQ(error_from_errno(EPERM, "x").code, ErrorCode::kDenied);
  EXPECT_EQ(error_from_errno(EINVAL, "x").retry, Retry::kNo);
  EXPECT_NE(error_from_errno(EINVAL, "x", "bad scheduler").message.find("bad scheduler"), std::string::npos);
}

TEST(IpvsNetlink, SplitRejectsBadLengths) {
  EXPECT_FALSE(split_messages({}));
  Bytes short_header = {0x10, 0x00, 0x00};
  EXPECT_FALSE(split_messages(short_header));
  Bytes too_small = {0x08, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(split_messages(too_small));
  Bytes too_long = {0x18, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(split_messages(too_long));
  Bytes huge = {0xff, 0xff, 0xff, 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(split_messages(huge));
}

TEST(IpvsNetlink, AttributesRejectBadLengths) {
  Bytes zero_length = {0x00, 0x00, 0x01, 0x00};
  EXPECT_FALSE(Attributes::parse(zero_length, "t"));
  Bytes past_end = {0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_FALSE(Attributes::parse(past_end, "t"));
  Bytes leftover = {0x05, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x02};
  EXPECT_FALSE(Attributes::parse(leftover, "t"));
  // The last attribute's padding may be missing; NLA_F_NESTED is masked off.
  Bytes unpadded = {0x05, 0x00, 0x01, 0x80, 0x07};
  auto attributes = Attributes::parse(unpadded, "t");
  ASSERT_TRUE(attributes);
  ASSERT_NE(attributes->find(1), nullptr);
  EXPECT_EQ(attributes->find(1)->payload.size(), 1u);
}

TEST(IpvsNetlink, TypedReadsCheckLengths) {
  uint8_t four[] = {1, 0, 0, 0};
  uint8_t eight[] = {1, 0, 0, 0, 0, 0, 0, 1};
  Attribute a4{1, four};
  Attribute a8{1, eight};
  EXPECT_FALSE(attribute_u16(a4, "x"));
  EXPECT_EQ(*attribute_u32(a4, "x"), 1u);
  EXPECT_FALSE(attribute_u32(a8, "x"));
  EXPECT_EQ(*attribute_counter(a4, "x"), 1u);
  EXPECT_EQ(*attribute_counter(a8, "x"), (uint64_t{1} << 56) + 1);
  uint8_t port[] = {0x1f, 0x90};
  EXPECT_EQ(*attribute_be16(Attribute{1, port}, "x"), 8080);
  uint8_t name[] = {'w', 'l', 'c'};  // no NUL: the whole payload
  EXPECT_EQ(*attribute_string(Attribute{1, name}, 16, "x"), "wlc");
  EXPECT_FALSE(attribute_string(Attribute{1, name}, 2, "x"));
}

}  // namespace
}  // namespace pier::lb
