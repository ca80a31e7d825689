#include "lb/ipvs_netlink.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pier::lb {
namespace {

constexpr size_t kNlHeader = sizeof(nlmsghdr);      // 16
constexpr size_t kGenlHeader = sizeof(genlmsghdr);  // 4
constexpr size_t kAttrHeader = sizeof(nlattr);      // 4
static_assert(kNlHeader == 16 && kGenlHeader == 4 && kAttrHeader == 4);

constexpr size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

template <class T>
void append(std::vector<uint8_t>& buffer, const T& value) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  buffer.insert(buffer.end(), bytes, bytes + sizeof(T));
}

template <class T>
T read(std::span<const uint8_t> bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

template <class T>
void write(std::vector<uint8_t>& buffer, size_t offset, T value) {
  std::memcpy(buffer.data() + offset, &value, sizeof(T));
}

Error malformed(std::string_view what) {
  // A reply we cannot read: our view of the kernel is unknown, read it again.
  return Error::make(ErrorCode::kIo, "malformed netlink reply: " + std::string(what), Retry::kResync);
}

}  // namespace

MessageBuilder::MessageBuilder(uint16_t type, uint16_t flags, uint32_t seq, uint8_t command, uint8_t version) {
  buffer_.reserve(128);
  append<uint32_t>(buffer_, 0);  // nlmsg_len, filled in by finish()
  append<uint16_t>(buffer_, type);
  append<uint16_t>(buffer_, flags);
  append<uint32_t>(buffer_, seq);
  append<uint32_t>(buffer_, 0);  // nlmsg_pid: the kernel fills in ours
  buffer_.push_back(command);
  buffer_.push_back(version);
  append<uint16_t>(buffer_, 0);  // reserved
}

void MessageBuilder::put(uint16_t type, std::span<const uint8_t> payload) {
  append<uint16_t>(buffer_, static_cast<uint16_t>(kAttrHeader + payload.size()));
  append<uint16_t>(buffer_, type);
  buffer_.insert(buffer_.end(), payload.begin(), payload.end());
  buffer_.resize(align4(buffer_.size()), 0);
}

void MessageBuilder::put_u16(uint16_t type, uint16_t value) {
  uint8_t b[2];
  std::memcpy(b, &value, 2);
  put(type, b);
}

void MessageBuilder::put_u32(uint16_t type, uint32_t value) {
  uint8_t b[4];
  std::memcpy(b, &value, 4);
  put(type, b);
}

void MessageBuilder::put_u64(uint16_t type, uint64_t value) {
  uint8_t b[8];
  std::memcpy(b, &value, 8);
  put(type, b);
}

void MessageBuilder::put_be16(uint16_t type, uint16_t host_value) {
  const uint8_t b[2] = {static_cast<uint8_t>(host_value >> 8), static_cast<uint8_t>(host_value & 0xff)};
  put(type, b);
}

void MessageBuilder::put_string(uint16_t type, std::string_view value) {
  std::vector<uint8_t> b(value.begin(), value.end());
  b.push_back(0);
  put(type, b);
}

size_t MessageBuilder::begin_nest(uint16_t type, bool nested_flag) {
  size_t start = buffer_.size();
  append<uint16_t>(buffer_, 0);
  append<uint16_t>(buffer_, static_cast<uint16_t>(type | (nested_flag ? NLA_F_NESTED : 0)));
  return start;
}

void MessageBuilder::end_nest(size_t start) {
  write<uint16_t>(buffer_, start, static_cast<uint16_t>(buffer_.size() - start));
}

std::vector<uint8_t> MessageBuilder::finish() && {
  write<uint32_t>(buffer_, 0, static_cast<uint32_t>(buffer_.size()));
  return std::move(buffer_);
}

Result<std::vector<NetlinkMessage>> split_messages(std::span<const uint8_t> datagram) {
  if (datagram.empty()) return fail(malformed("empty datagram"));
  std::vector<NetlinkMessage> out;
  size_t offset = 0;
  while (offset < datagram.size()) {
    size_t left = datagram.size() - offset;
    if (left < kNlHeader)
      return fail(malformed(std::to_string(left) + " bytes at offset " + std::to_string(offset) +
                            " cannot hold a netlink header"));
    uint32_t length = read<uint32_t>(datagram, offset);
    if (length < kNlHeader || length > left)
      return fail(malformed("message at offset " + std::to_string(offset) + " claims " + std::to_string(length) +
                            " bytes, " + std::to_string(left) + " left"));
    NetlinkMessage m;
    m.type = read<uint16_t>(datagram, offset + 4);
    m.flags = read<uint16_t>(datagram, offset + 6);
    m.seq = read<uint32_t>(datagram, offset + 8);
    m.pid = read<uint32_t>(datagram, offset + 12);
    m.payload = datagram.subspan(offset + kNlHeader, length - kNlHeader);
    out.push_back(m);
    // The last message's padding may be missing; a shorter one ends the loop.
    offset += align4(length);
  }
  return out;
}

Result<Attributes> Attributes::parse(std::span<const uint8_t> payload, std::string_view where) {
  Attributes out;
  size_t offset = 0;
  while (payload.size() - offset >= kAttrHeader) {
    uint16_t length = read<uint16_t>(payload, offset);
    uint16_t type = read<uint16_t>(payload, offset + 2);
    size_t left = payload.size() - offset;
    if (length < kAttrHeader || length > left)
      return fail(malformed(std::string(where) + ": attribute type " + std::to_string(type & NLA_TYPE_MASK) +
                            " at offset " + std::to_string(offset) + " claims " + std::to_string(length) +
                            " bytes, " + std::to_string(left) + " left"));
    out.attributes_.push_back(
        {static_cast<uint16_t>(type & NLA_TYPE_MASK), payload.subspan(offset + kAttrHeader, length - kAttrHeader)});
    offset += align4(length);
    if (offset > payload.size()) offset = payload.size();  // missing last padding
  }
  if (offset != payload.size())
    return fail(malformed(std::string(where) + ": " + std::to_string(payload.size() - offset) +
                          " bytes left over after the attributes"));
  return out;
}

const Attribute* Attributes::find(uint16_t type) const {
  for (auto it = attributes_.rbegin(); it != attributes_.rend(); ++it)
    if (it->type == type) return &*it;
  return nullptr;
}

namespace {
Error bad_length(const Attribute& attribute, std::string_view what, std::string_view expected) {
  return malformed(std::string(what) + " has " + std::to_string(attribute.payload.size()) + " bytes, expected " +
                   std::string(expected));
}
}  // namespace

Result<uint16_t> attribute_u16(const Attribute& attribute, std::string_view what) {
  if (attribute.payload.size() != 2) return fail(bad_length(attribute, what, "2"));
  return read<uint16_t>(attribute.payload, 0);
}

Result<uint32_t> attribute_u32(const Attribute& attribute, std::string_view what) {
  if (attribute.payload.size() != 4) return fail(bad_length(attribute, what, "4"));
  return read<uint32_t>(attribute.payload, 0);
}

Result<uint16_t> attribute_be16(const Attribute& attribute, std::string_view what) {
  if (attribute.payload.size() != 2) return fail(bad_length(attribute, what, "2"));
  return static_cast<uint16_t>((attribute.payload[0] << 8) | attribute.payload[1]);
}

Result<uint64_t> attribute_counter(const Attribute& attribute, std::string_view what) {
  if (attribute.payload.size() == 4) return read<uint32_t>(attribute.payload, 0);
  if (attribute.payload.size() == 8) return read<uint64_t>(attribute.payload, 0);
  return fail(bad_length(attribute, what, "4 or 8"));
}

Result<std::string> attribute_string(const Attribute& attribute, size_t max_length, std::string_view what) {
  const auto& p = attribute.payload;
  size_t n = 0;
  while (n < p.size() && p[n] != 0) ++n;
  if (n > max_length) return fail(bad_length(attribute, what, "at most " + std::to_string(max_length)));
  return std::string(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
}

Result<GenlPayload> genl_payload(const NetlinkMessage& message) {
  if (message.payload.size() < kGenlHeader)
    return fail(malformed("message type " + std::to_string(message.type) + " too short for a genl header"));
  return GenlPayload{message.payload[0], message.payload[1], message.payload.subspan(kGenlHeader)};
}

Result<Ack> decode_error_message(const NetlinkMessage& message) {
  // struct nlmsgerr: int error, then the request's netlink header.
  constexpr size_t kErr = sizeof(nlmsgerr);
  static_assert(kErr == 20);
  if (message.type != NLMSG_ERROR) return fail(malformed("expected NLMSG_ERROR, got type " + std::to_string(message.type)));
  if (message.payload.size() < kErr) return fail(malformed("NLMSG_ERROR too short"));
  int32_t error = read<int32_t>(message.payload, 0);
  if (error > 0 || error < -4095) return fail(malformed("NLMSG_ERROR with error " + std::to_string(error)));
  Ack ack{message.seq, -error, {}};
  if (message.flags & NLM_F_ACK_TLVS) {
    // Unless capped, the whole request follows its header; then the TLVs.
    size_t offset = kErr;
    if (!(message.flags & NLM_F_CAPPED)) {
      uint32_t request_length = read<uint32_t>(message.payload, 4);
      if (request_length < kNlHeader) return fail(malformed("NLMSG_ERROR quotes a request shorter than its header"));
      offset = 4 + align4(request_length);
    }
    if (offset > message.payload.size()) return fail(malformed("NLMSG_ERROR quotes more than it holds"));
    auto tlvs = Attributes::parse(message.payload.subspan(offset), "extended ack");
    if (!tlvs) return fail(tlvs.error());
    if (const Attribute* text = tlvs->find(NLMSGERR_ATTR_MSG)) {
      auto s = attribute_string(*text, 4096, "extended ack message");
      if (!s) return fail(s.error());
      ack.message = std::move(*s);
    }
  }
  return ack;
}

Result<std::vector<Ack>> decode_acks(std::span<const uint8_t> datagram) {
  auto messages = split_messages(datagram);
  if (!messages) return fail(messages.error());
  std::vector<Ack> out;
  for (const NetlinkMessage& m : *messages) {
    auto ack = decode_error_message(m);
    if (!ack) return fail(ack.error());
    out.push_back(std::move(*ack));
  }
  return out;
}

Error error_from_errno(int error, std::string_view context, std::string_view kernel_message) {
  std::string message = std::string(context) + ": " + std::strerror(error) + " (errno " + std::to_string(error) + ")";
  if (!kernel_message.empty()) message += ": " + std::string(kernel_message);
  switch (error) {
    case EBUSY:
    case ENOMEM:
    case EAGAIN:
    case ENOBUFS:
    case EINTR:
      return Error::make(ErrorCode::kUnavailable, std::move(message), Retry::kYes);
    case EEXIST:
      return Error::make(ErrorCode::kConflict, std::move(message), Retry::kResync);
    case ENOENT:
    case ESRCH:
      return Error::make(ErrorCode::kNotFound, std::move(message), Retry::kResync);
    case EPERM:
    case EACCES:
      return Error::make(ErrorCode::kDenied, std::move(message), Retry::kNo);
    case EINVAL:
    case EAFNOSUPPORT:
    case EOPNOTSUPP:
      return Error::make(ErrorCode::kInvalidInput, std::move(message), Retry::kNo);
    default:
      return Error::make(ErrorCode::kIo, std::move(message), Retry::kNo);
  }
}

std::vector<uint8_t> encode_get_family(std::string_view name, uint32_t seq) {
  MessageBuilder m(GENL_ID_CTRL, NLM_F_REQUEST, seq, CTRL_CMD_GETFAMILY, 1);
  m.put_string(CTRL_ATTR_FAMILY_NAME, name);
  return std::move(m).finish();
}

Result<uint16_t> decode_family_id(std::span<const uint8_t> datagram, uint32_t seq) {
  auto messages = split_messages(datagram);
  if (!messages) return fail(messages.error());
  for (const NetlinkMessage& m : *messages) {
    if (m.seq != seq)
      return fail(malformed("reply with sequence " + std::to_string(m.seq) + ", expected " + std::to_string(seq)));
    if (m.type == NLMSG_ERROR) {
      auto ack = decode_error_message(m);
      if (!ack) return fail(ack.error());
      if (ack->error != 0) return fail(error_from_errno(ack->error, "resolving generic netlink family", ack->message));
      continue;  // an acknowledgement, if the request asked for one
    }
    if (m.type != GENL_ID_CTRL) return fail(malformed("unexpected message type " + std::to_string(m.type)));
    auto genl = genl_payload(m);
    if (!genl) return fail(genl.error());
    if (genl->command != CTRL_CMD_NEWFAMILY)
      return fail(malformed("unexpected controller command " + std::to_string(genl->command)));
    auto attributes = Attributes::parse(genl->attributes, "CTRL_CMD_NEWFAMILY");
    if (!attributes) return fail(attributes.error());
    const Attribute* id = attributes->find(CTRL_ATTR_FAMILY_ID);
    if (!id) return fail(malformed("CTRL_CMD_NEWFAMILY without CTRL_ATTR_FAMILY_ID"));
    auto value = attribute_u16(*id, "CTRL_ATTR_FAMILY_ID");
    if (!value) return fail(value.error());
    if (*value < NLMSG_MIN_TYPE) return fail(malformed("family id " + std::to_string(*value) + " is reserved"));
    return *value;
  }
  return fail(malformed("no CTRL_CMD_NEWFAMILY in the reply"));
}

}  // namespace pier::lb
