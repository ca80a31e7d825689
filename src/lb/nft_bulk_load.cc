#include "lb/nft_bulk_load.h"

// glibc's socket headers before the kernel's: they define what linux/in.h then skips.
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <time.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace pier::lb::nft {
namespace {

constexpr const char* kTableName = "pier_lb";

// --- Messages ---

class Batch {
 public:
  // A message must fit in a page's overrun: element messages carry up to
  // kElementsPerMessage elements (about 100 bytes each).
  static constexpr uint32_t kPage = 512 * 1024;
  static constexpr uint32_t kOverrun = 256 * 1024;
  Batch() : batch_(nftnl_batch_alloc(kPage, kOverrun)), seq_(static_cast<uint32_t>(::time(nullptr))) {
    nftnl_batch_begin(static_cast<char*>(nftnl_batch_buffer(batch_)), seq_++);
    nftnl_batch_update(batch_);
  }
  ~Batch() { nftnl_batch_free(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // No NLM_F_ACK: an ack per message would be 300,000 replies for a
  // 20,000-service table (more than a socket buffer holds); the kernel
  // reports a refused message without one.
  nlmsghdr* header(uint16_t type, uint16_t flags) {
    ++messages_;
    if (first_ == 0) first_ = seq_;
    types_.push_back(type);
    return nftnl_nlmsg_build_hdr(static_cast<char*>(nftnl_batch_buffer(batch_)), type, NFPROTO_INET, flags, seq_++);
  }
  void next() { nftnl_batch_update(batch_); }
  void finish() {
    nftnl_batch_end(static_cast<char*>(nftnl_batch_buffer(batch_)), seq_++);
    nftnl_batch_update(batch_);
  }
  nftnl_batch* get() { return batch_; }
  size_t messages() const { return messages_; }
  // "NEWRULE (message 12 of 300,060)" for a sequence number of the batch.
  std::string describe(uint32_t seq) const {
    if (seq < first_ || seq - first_ >= types_.size()) return "message " + std::to_string(seq);
    size_t i = seq - first_;
    const char* name = "message";
    switch (types_[i]) {
      case NFT_MSG_NEWRULE: name = "a rule"; break;
      case NFT_MSG_NEWCHAIN: name = "a chain"; break;
      case NFT_MSG_NEWOBJ: name = "a counter"; break;
      case NFT_MSG_NEWSETELEM: name = "map elements"; break;
    }
    return std::string(name) + " (message " + std::to_string(i + 1) + " of " + std::to_string(types_.size()) + ")";
  }

 private:
  nftnl_batch* batch_;
  uint32_t seq_;
  size_t messages_ = 0;
  uint32_t first_ = 0;
  std::vector<uint16_t> types_;
};

struct RuleFree {
  void operator()(nftnl_rule* p) const { nftnl_rule_free(p); }
};
struct SetFree {
  void operator()(nftnl_set* p) const { nftnl_set_free(p); }
};
struct SocketClose {
  void operator()(mnl_socket* p) const { mnl_socket_close(p); }
};
using RulePtr = std::unique_ptr<nftnl_rule, RuleFree>;
using SetPtr = std::unique_ptr<nftnl_set, SetFree>;

nftnl_expr* expr(const char* name) { return nftnl_expr_alloc(name); }

void add_cmp(nftnl_rule* r, uint32_t op, const void* data, uint32_t len) {
  nftnl_expr* e = expr("cmp");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
  nftnl_rule_add_expr(r, e);
}

void add_meta(nftnl_rule* r, uint32_t key) {
  nftnl_expr* e = expr("meta");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  nftnl_rule_add_expr(r, e);
}

void add_comment(nftnl_rule* r, const std::string& text) {
  nftnl_udata_buf* buf = nftnl_udata_buf_alloc(static_cast<uint32_t>(text.size() + 8));
  nftnl_udata_put_strz(buf, NFTNL_UDATA_RULE_COMMENT, text.c_str());
  nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(buf), nftnl_udata_buf_len(buf));
  nftnl_udata_buf_free(buf);
}

// The probability step of the cascade, as render_table's selector():
// (numgen or jhash) mod remaining, in network order, < weight.
void add_selector(nftnl_rule* r, const VirtualService& vs, uint64_t remaining, uint32_t weight, size_t index) {
  bool v6 = vs.key.vip.family == Family::kV6;
  if (vs.scheduler == Scheduler::kSh) {
    uint8_t nfproto = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
    add_meta(r, NFT_META_NFPROTO);
    add_cmp(r, NFT_CMP_EQ, &nfproto, 1);
    nftnl_expr* load = expr("payload");
    nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
    nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_OFFSET, v6 ? 8 : 12);
    nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_LEN, v6 ? 16 : 4);
    nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_2);
    nftnl_rule_add_expr(r, load);
    nftnl_expr* hash = expr("hash");
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_SREG, NFT_REG_2);
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_DREG, NFT_REG_1);
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_LEN, v6 ? 16 : 4);
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_MODULUS, static_cast<uint32_t>(remaining));
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_SEED, static_cast<uint32_t>(index + 1));
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_OFFSET, 0);
    nftnl_expr_set_u32(hash, NFTNL_EXPR_HASH_TYPE, NFT_HASH_JENKINS);
    nftnl_rule_add_expr(r, hash);
  } else {
    nftnl_expr* ng = expr("numgen");
    nftnl_expr_set_u32(ng, NFTNL_EXPR_NG_DREG, NFT_REG_1);
    nftnl_expr_set_u32(ng, NFTNL_EXPR_NG_MODULUS, static_cast<uint32_t>(remaining));
    bool rotate = vs.scheduler == Scheduler::kRr || vs.scheduler == Scheduler::kWrr;
    nftnl_expr_set_u32(ng, NFTNL_EXPR_NG_TYPE, rotate ? NFT_NG_INCREMENTAL : NFT_NG_RANDOM);
    nftnl_expr_set_u32(ng, NFTNL_EXPR_NG_OFFSET, 0);
    nftnl_rule_add_expr(r, ng);
  }
  nftnl_expr* order = expr("byteorder");
  nftnl_expr_set_u32(order, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
  nftnl_expr_set_u32(order, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
  nftnl_expr_set_u32(order, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
  nftnl_expr_set_u32(order, NFTNL_EXPR_BYTEORDER_LEN, 4);
  nftnl_expr_set_u32(order, NFTNL_EXPR_BYTEORDER_SIZE, 4);
  nftnl_rule_add_expr(r, order);
  uint32_t below = htonl(weight);
  add_cmp(r, NFT_CMP_LT, &below, 4);
}

void add_dnat(nftnl_rule* r, const VirtualService& vs, const RealServer& rs) {
  bool v6 = vs.key.vip.family == Family::kV6;
  uint8_t proto = vs.key.protocol == Protocol::kTcp ? IPPROTO_TCP : IPPROTO_UDP;
  add_meta(r, NFT_META_L4PROTO);
  add_cmp(r, NFT_CMP_EQ, &proto, 1);
  nftnl_expr* address = expr("immediate");
  nftnl_expr_set_u32(address, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
  nftnl_expr_set(address, NFTNL_EXPR_IMM_DATA, rs.address.bytes.data(), v6 ? 16 : 4);
  nftnl_rule_add_expr(r, address);
  uint16_t port = htons(rs.port);
  nftnl_expr* port_expr = expr("immediate");
  nftnl_expr_set_u32(port_expr, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
  nftnl_expr_set(port_expr, NFTNL_EXPR_IMM_DATA, &port, 2);
  nftnl_rule_add_expr(r, port_expr);
  nftnl_expr* nat = expr("nat");
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_FAMILY, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
  nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
  nftnl_rule_add_expr(r, nat);
}

void put_rule(Batch& batch, nftnl_rule* r) {
  nlmsghdr* h = batch.header(NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE);
  nftnl_rule_nlmsg_build_payload(h, r);
  batch.next();
}

RulePtr new_rule(const std::string& chain) {
  RulePtr r(nftnl_rule_alloc());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_INET);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, kTableName);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain.c_str());
  return r;
}

void put_counter(Batch& batch, const std::string& name) {
  nftnl_obj* o = nftnl_obj_alloc();
  nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, NFPROTO_INET);
  nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, kTableName);
  nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name.c_str());
  nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
  nftnl_obj_set_u64(o, NFTNL_OBJ_CTR_PKTS, 0);
  nftnl_obj_set_u64(o, NFTNL_OBJ_CTR_BYTES, 0);
  nlmsghdr* h = batch.header(NFT_MSG_NEWOBJ, NLM_F_CREATE);
  nftnl_obj_nlmsg_build_payload(h, o);
  batch.next();
  nftnl_obj_free(o);
}

void put_chain(Batch& batch, const std::string& name) {
  nftnl_chain* c = nftnl_chain_alloc();
  nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
  nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, kTableName);
  nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name.c_str());
  nlmsghdr* h = batch.header(NFT_MSG_NEWCHAIN, NLM_F_CREATE);
  nftnl_chain_nlmsg_build_payload(h, c);
  batch.next();
  nftnl_chain_free(c);
}

// The rules render_table's service_rules() writes, in the same order.
void put_service_rules(Batch& batch, const VirtualService& vs) {
  const std::string chain = service_chain_name(vs.key);
  {
    RulePtr r = new_rule(chain);
    nftnl_expr* ref = expr("objref");
    nftnl_expr_set_u32(ref, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
    nftnl_expr_set_str(ref, NFTNL_EXPR_OBJREF_IMM_NAME, chain.c_str());
    nftnl_rule_add_expr(r.get(), ref);
    add_comment(r.get(), "pier sched=" + std::string(name(vs.scheduler)) + " fwd=" + std::string(name(vs.forwarding)) +
                             " persist=" + std::to_string(vs.persistence_seconds));
    put_rule(batch, r.get());
  }
  uint64_t remaining = 0;
  for (const auto& rs : vs.real_servers) remaining += rs.weight;
  size_t index = 0;
  for (const auto& rs : vs.real_servers) {
    if (rs.weight == 0) continue;
    RulePtr r = new_rule(chain);
    if (remaining != rs.weight) add_selector(r.get(), vs, remaining, rs.weight, index);
    nftnl_rule_add_expr(r.get(), expr("counter"));
    add_dnat(r.get(), vs, rs);
    add_comment(r.get(), "weight " + std::to_string(rs.weight));
    put_rule(batch, r.get());
    remaining -= rs.weight;
    ++index;
  }
  if (index == 0) {
    RulePtr r = new_rule(chain);
    nftnl_expr* drop = expr("immediate");
    nftnl_expr_set_u32(drop, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(drop, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
    nftnl_rule_add_expr(r.get(), drop);
    add_comment(r.get(), "no real server with weight > 0");
    put_rule(batch, r.get());
  }
  for (const auto& rs : vs.real_servers) {
    if (rs.weight != 0) continue;
    RulePtr r = new_rule(chain);
    add_dnat(r.get(), vs, rs);
    add_comment(r.get(), "weight 0");
    put_rule(batch, r.get());
  }
}

// VIP . l4proto . port as the maps store it: each field in 32-bit words,
// the protocol's byte and the port's two (network order) then zeros.
std::vector<uint8_t> element_key(const ServiceKey& key) {
  size_t address = key.vip.family == Family::kV6 ? 16 : 4;
  std::vector<uint8_t> out(address + 8, 0);
  std::memcpy(out.data(), key.vip.bytes.data(), address);
  out[address] = key.protocol == Protocol::kTcp ? IPPROTO_TCP : IPPROTO_UDP;
  out[address + 4] = static_cast<uint8_t>(key.port >> 8);
  out[address + 5] = static_cast<uint8_t>(key.port & 0xff);
  return out;
}

nftnl_set_elem* new_element(const ServiceKey& key) {
  nftnl_set_elem* e = nftnl_set_elem_alloc();
  auto bytes = element_key(key);
  nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, bytes.data(), static_cast<uint32_t>(bytes.size()));
  return e;
}

// Elements of one map, sent in messages of at most kPerMessage.
class ElementWriter {
 public:
  ElementWriter(Batch& batch, std::string set) : batch_(batch), set_name_(std::move(set)) { reset(); }
  ~ElementWriter() { flush(); }
  ElementWriter(const ElementWriter&) = delete;
  ElementWriter& operator=(const ElementWriter&) = delete;

  // Takes a filled element.
  void add(nftnl_set_elem* element) {
    nftnl_set_elem_add(set_.get(), element);
    if (++count_ == kPerMessage) flush();
  }
  void flush() {
    if (count_ == 0) return;
    nlmsghdr* h = batch_.header(NFT_MSG_NEWSETELEM, NLM_F_CREATE);
    nftnl_set_elems_nlmsg_build_payload(h, set_.get());
    batch_.next();
    reset();
  }

 private:
  // The elements travel in one attribute nest, whose length is 16 bits:
  // 256 elements of about 100 bytes stay well under 64 KiB.
  static constexpr size_t kPerMessage = 256;
  void reset() {
    set_.reset(nftnl_set_alloc());
    nftnl_set_set_u32(set_.get(), NFTNL_SET_FAMILY, NFPROTO_INET);
    nftnl_set_set_str(set_.get(), NFTNL_SET_TABLE, kTableName);
    nftnl_set_set_str(set_.get(), NFTNL_SET_NAME, set_name_.c_str());
    count_ = 0;
  }
  Batch& batch_;
  std::string set_name_;
  SetPtr set_;
  size_t count_ = 0;
};

// After the chains and counters they name.
void put_elements(Batch& batch, const Services& services) {
  for (const char* family : {"4", "6"}) {
    bool v6 = family[0] == '6';
    ElementWriter dispatch(batch, std::string("services") + family);
    ElementWriter in(batch, std::string("traffic_in") + family);
    ElementWriter out(batch, std::string("traffic_out") + family);
    ElementWriter fullnat(batch, std::string("fullnat") + family);
    for (const auto& [key, vs] : services) {
      if ((key.vip.family == Family::kV6) != v6) continue;
      const std::string chain = service_chain_name(key);
      nftnl_set_elem* d = new_element(key);
      nftnl_set_elem_set_u32(d, NFTNL_SET_ELEM_VERDICT, NFT_GOTO);
      nftnl_set_elem_set_str(d, NFTNL_SET_ELEM_CHAIN, chain.c_str());
      dispatch.add(d);
      nftnl_set_elem* i = new_element(key);
      nftnl_set_elem_set_str(i, NFTNL_SET_ELEM_OBJREF, (chain + "_in").c_str());
      in.add(i);
      nftnl_set_elem* o = new_element(key);
      nftnl_set_elem_set_str(o, NFTNL_SET_ELEM_OBJREF, (chain + "_out").c_str());
      out.add(o);
      if (vs.forwarding == Forwarding::kFullNat) fullnat.add(new_element(key));
    }
  }
}

// --- Sending ---

Error kernel_error(int error, const std::string& what) {
  Retry retry = (error == EBUSY || error == ENOMEM || error == EAGAIN || error == ENOBUFS || error == EINTR) ? Retry::kYes
                                                                                                              : Retry::kResync;
  return Error::make(error == EPERM ? ErrorCode::kDenied : ErrorCode::kUnavailable,
                     "nftables bulk load: " + what + ": " + std::strerror(error), retry);
}

Result<void> send_and_wait(Batch& batch) {
  std::unique_ptr<mnl_socket, SocketClose> socket(
      mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
  if (!socket) return fail(kernel_error(errno, "netlink socket"));
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) return fail(kernel_error(errno, "bind"));
  int fd = mnl_socket_get_fd(socket.get());
  int on = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  // An error carries the refused message's header only, not its payload.
  ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  int receive_buffer = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer);

  int pages = nftnl_batch_iovec_len(batch.get());
  std::vector<iovec> iov(static_cast<size_t>(pages));
  nftnl_batch_iovec(batch.get(), iov.data(), static_cast<uint32_t>(pages));
  // The whole batch goes in one sendmsg (one transaction): the send buffer
  // must hold it, as nft sizes it.
  size_t total = 0;
  for (const auto& v : iov) total += v.iov_len;
  int send_buffer = static_cast<int>(std::min<size_t>(total + (1 << 20), 1u << 30));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &send_buffer, sizeof send_buffer);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr message{};
  message.msg_name = &kernel;
  message.msg_namelen = sizeof kernel;
  message.msg_iov = iov.data();
  message.msg_iovlen = iov.size();
  if (::sendmsg(fd, &message, 0) < 0) return fail(kernel_error(errno, "send"));

  // The kernel handles a netlink request inside sendmsg: by now the batch is
  // committed, or aborted with an error message queued for the first
  // message it refused.
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return fail(kernel_error(errno, "receive"));
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(h));
      if (err->error != 0)
        return fail(kernel_error(-err->error, batch.describe(err->msg.nlmsg_seq) + " refused; nothing applied"));
    }
  }
  return {};
}

}  // namespace

Result<void> bulk_load_services(const Services& services) {
  Batch batch;
  for (const auto& [key, vs] : services) {
    const std::string chain = service_chain_name(key);
    put_counter(batch, chain);
    put_counter(batch, chain + "_in");
    put_counter(batch, chain + "_out");
    put_chain(batch, chain);
    put_service_rules(batch, vs);
  }
  put_elements(batch, services);
  batch.finish();
  return send_and_wait(batch);
}

}  // namespace pier::lb::nft
