// Generic netlink framing for the IPVS dataplane, as bytes: building
// requests (netlink header, genl header, attributes, nests) and taking
// apart what the kernel sends back (several messages per datagram, acks,
// errors, dump ends), checking every length. No socket here: the socket
// side sends `MessageBuilder::finish()` and hands each received datagram to
// `split_messages` / `decode_acks` / the IPVS decoders.
//
//   lb::MessageBuilder m(GENL_ID_CTRL, NLM_F_REQUEST, seq, CTRL_CMD_GETFAMILY, 1);
//   m.put_string(CTRL_ATTR_FAMILY_NAME, "IPVS");
//   std::vector<uint8_t> request = m.finish();
//   ...
//   pier::Result<uint16_t> family = lb::decode_family_id(reply, seq);
//
// Integers are in host byte order as netlink wants them, except the ones
// IPVS defines as big-endian (ports, the IPv4 netmask): `put_be16`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace pier::lb {

// Appends one generic netlink message to a buffer of its own.
class MessageBuilder {
 public:
  MessageBuilder(uint16_t type, uint16_t flags, uint32_t seq, uint8_t command, uint8_t version);

  void put(uint16_t type, std::span<const uint8_t> payload);
  void put_u16(uint16_t type, uint16_t value);
  void put_u32(uint16_t type, uint32_t value);
  void put_u64(uint16_t type, uint64_t value);
  void put_be16(uint16_t type, uint16_t host_value);  // stored big-endian
  void put_string(uint16_t type, std::string_view value);  // NUL-terminated, as nla_put_string

  // A nested attribute: attributes put until end_nest() go inside it.
  // `nested_flag` sets NLA_F_NESTED in its type (see ipvs_messages.h for why
  // IPVS requests leave it off).
  size_t begin_nest(uint16_t type, bool nested_flag = false);
  void end_nest(size_t start);

  // The message with its length filled in (padded to 4 bytes).
  std::vector<uint8_t> finish() &&;

 private:
  std::vector<uint8_t> buffer_;
};

// One netlink message inside a datagram; `payload` points into the datagram
// (everything after the 16-byte header, without trailing padding).
struct NetlinkMessage {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  uint32_t pid = 0;
  std::span<const uint8_t> payload;
};

// Every message of a datagram. Errors: an empty datagram, a header that does
// not fit, a length shorter than the header or longer than what is left.
Result<std::vector<NetlinkMessage>> split_messages(std::span<const uint8_t> datagram);

// One attribute; `type` without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits.
struct Attribute {
  uint16_t type = 0;
  std::span<const uint8_t> payload;
};

// The attributes of a payload, last one wins when a type repeats (as the
// kernel's nla_parse). Errors: a header that does not fit, a length below
// 4 or past the end, bytes left over that cannot hold an attribute.
// The last attribute's padding may be missing.
class Attributes {
 public:
  static Result<Attributes> parse(std::span<const uint8_t> payload, std::string_view where);

  const Attribute* find(uint16_t type) const;
  const std::vector<Attribute>& all() const { return attributes_; }

 private:
  std::vector<Attribute> attributes_;
};

// Typed reads that check the length exactly (u8/u16/u32/u64) or give an
// error naming `what`.
Result<uint16_t> attribute_u16(const Attribute& attribute, std::string_view what);
Result<uint32_t> attribute_u32(const Attribute& attribute, std::string_view what);
Result<uint16_t> attribute_be16(const Attribute& attribute, std::string_view what);
// 4 or 8 bytes (IPVS counters are u32 in STATS and u64 in STATS64).
Result<uint64_t> attribute_counter(const Attribute& attribute, std::string_view what);
// Up to the first NUL (or the whole payload), at most `max_length` bytes.
Result<std::string> attribute_string(const Attribute& attribute, size_t max_length, std::string_view what);

// The generic netlink header of a message: command and the attributes after it.
struct GenlPayload {
  uint8_t command = 0;
  uint8_t version = 0;
  std::span<const uint8_t> attributes;
};
Result<GenlPayload> genl_payload(const NetlinkMessage& message);

// An NLMSG_ERROR message: error 0 is an acknowledgement, otherwise a
// positive errno; `message` is the kernel's extended ack text, if any.
struct Ack {
  uint32_t seq = 0;
  int error = 0;
  std::string message;
};
Result<Ack> decode_error_message(const NetlinkMessage& message);

// Every acknowledgement in a datagram answering NLM_F_ACK requests, one per
// request, matched to its operation by `seq`. A malformed datagram or a
// message that is not an NLMSG_ERROR is an error; a failed request is not
// (it is an Ack with `error` set: the rest of the batch still counts).
Result<std::vector<Ack>> decode_acks(std::span<const uint8_t> datagram);

// What a failed netlink request means for the caller: EBUSY, ENOMEM,
// EAGAIN, ENOBUFS and EINTR are worth retrying; EEXIST, ENOENT and ESRCH
// mean our idea of the kernel's state is stale (re-sync); EPERM and EACCES
// are denied; the rest are not retried.
Error error_from_errno(int error, std::string_view context, std::string_view kernel_message = {});

// CTRL_CMD_GETFAMILY for a generic netlink family by name ("IPVS"), and the
// family id from its reply (CTRL_ATTR_FAMILY_ID). An NLMSG_ERROR reply
// (ENOENT: the module is not loaded) becomes its Error.
std::vector<uint8_t> encode_get_family(std::string_view name, uint32_t seq);
Result<uint16_t> decode_family_id(std::span<const uint8_t> datagram, uint32_t seq);

}  // namespace pier::lb
