#include "lb/vip_addresses.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <set>
#include <vector>

namespace pier::lb {

// ---- pure --------------------------------------------------------------

std::vector<IpAddress> vips_to_announce(const Desired& desired, const AnnounceOptions& options) {
  std::set<IpAddress> all;
  std::set<IpAddress> ready;
  for (const auto& [key, service] : desired.services) {
    all.insert(key.vip);
    if (std::any_of(service.real_servers.begin(), service.real_servers.end(),
                    [](const RealServer& r) { return r.weight > 0; }))
      ready.insert(key.vip);
  }
  const std::set<IpAddress>& chosen = options.withdraw_without_ready ? ready : all;
  return {chosen.begin(), chosen.end()};
}

AddressChanges address_changes(std::span<const IpAddress> wanted, std::span<const IpAddress> present_owned,
                               std::span<const IpAddress> present_foreign) {
  const std::set<IpAddress> want(wanted.begin(), wanted.end());
  const std::set<IpAddress> owned(present_owned.begin(), present_owned.end());
  const std::set<IpAddress> foreign(present_foreign.begin(), present_foreign.end());
  AddressChanges changes;
  for (const IpAddress& a : want)
    if (!owned.contains(a) && !foreign.contains(a)) changes.add.push_back(a);
  for (const IpAddress& a : owned)
    if (!want.contains(a)) changes.remove.push_back(a);
  return changes;
}

// ---- effect: rtnetlink -------------------------------------------------

namespace {

// A kernel that does not answer in this time is treated as unavailable
// rather than blocking the controller's loop for ever.
constexpr int kReceiveTimeoutSeconds = 5;

Error errno_error(int error, const std::string& what, const std::string& kernel_text = {}) {
  std::string message = what + ": " + std::strerror(error);
  if (!kernel_text.empty()) message += " (" + kernel_text + ")";
  switch (error) {
    case ENODEV:
      return Error::make(ErrorCode::kNotFound, std::move(message), Retry::kYes);
    case EPERM:
    case EACCES:
      return Error::make(ErrorCode::kDenied, std::move(message), Retry::kNo);
    case EBUSY:
    case EAGAIN:
    case ENOBUFS:
    case ENOMEM:
    case EINTR:
      return Error::make(ErrorCode::kUnavailable, std::move(message), Retry::kYes);
    default:
      return Error::make(ErrorCode::kIo, std::move(message), Retry::kNo);
  }
}

int family_of(const IpAddress& address) { return address.family == Family::kV4 ? AF_INET : AF_INET6; }
size_t size_of(const IpAddress& address) { return address.family == Family::kV4 ? 4 : 16; }
uint8_t host_prefix(const IpAddress& address) { return address.family == Family::kV4 ? 32 : 128; }

// The NLMSGERR_ATTR_MSG text of an error reply (extended ack), if any.
std::string extended_ack_text(const nlmsghdr* reply) {
  if (!(reply->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(reply));
  size_t offset = sizeof(nlmsghdr) + sizeof(nlmsgerr);
  // Without NETLINK_CAP_ACK the kernel echoes the whole request first.
  if (!(reply->nlmsg_flags & NLM_F_CAPPED)) offset += error->msg.nlmsg_len - sizeof(nlmsghdr);
  if (offset >= reply->nlmsg_len) return {};
  const auto* attr = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(reply) + MNL_ALIGN(offset));
  int remaining = static_cast<int>(reply->nlmsg_len) - static_cast<int>(MNL_ALIGN(offset));
  for (; mnl_attr_ok(attr, remaining); attr = mnl_attr_next(attr)) {
    remaining -= MNL_ALIGN(attr->nla_len);
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
      return mnl_attr_get_str(attr);
  }
  return {};
}

}  // namespace

struct VipAddresses::Socket {
  mnl_socket* socket = nullptr;
  uint32_t port_id = 0;
  uint32_t seq = 0;
  int kernel_errno = 0;  // of the last request's error reply, 0 after success
  // A dump datagram holds at most 32 KiB (the kernel caps it near there).
  std::vector<char> buffer = std::vector<char>(32768);

  ~Socket() {
    if (socket) mnl_socket_close(socket);
  }

  // Sends one request and reads replies until its ack (or NLMSG_DONE for a
  // dump), handing every other message of this request to `on_message`.
  Result<void> transact(nlmsghdr* request, const std::string& what,
                        const std::function<void(const nlmsghdr*)>& on_message = {}) {
    request->nlmsg_seq = ++seq;
    kernel_errno = 0;
    if (mnl_socket_sendto(socket, request, request->nlmsg_len) < 0) return fail(errno_error(errno, what));
    bool interrupted = false;
    for (;;) {
      ssize_t received = mnl_socket_recvfrom(socket, buffer.data(), buffer.size());
      if (received < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
          return fail(Error::make(
              ErrorCode::kUnavailable,
              what + ": no reply from the kernel in " + std::to_string(kReceiveTimeoutSeconds) + " s", Retry::kYes));
        Error error = errno_error(errno, what);
        // Replies were lost (socket buffer overrun): the listing is incomplete.
        if (errno == ENOBUFS) error.retry = Retry::kResync;
        return fail(std::move(error));
      }
      int length = static_cast<int>(received);
      for (auto* reply = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(reply, length);
           reply = mnl_nlmsg_next(reply, &length)) {
        // A late reply to an earlier request that timed out: not ours.
        if (reply->nlmsg_seq != request->nlmsg_seq || (reply->nlmsg_pid != 0 && reply->nlmsg_pid != port_id)) continue;
        if (reply->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
        if (reply->nlmsg_type == NLMSG_ERROR) {
          if (reply->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr)))
            return fail(Error::make(ErrorCode::kIo, what + ": truncated error reply", Retry::kYes));
          const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(reply));
          if (error->error == 0) return {};
          kernel_errno = -error->error;
          return fail(errno_error(-error->error, what, extended_ack_text(reply)));
        }
        if (reply->nlmsg_type == NLMSG_DONE) {
          if (interrupted)
            return fail(Error::make(ErrorCode::kUnavailable, what + ": the addresses changed during the listing",
                                    Retry::kResync));
          return {};
        }
        if (reply->nlmsg_type == NLMSG_NOOP || reply->nlmsg_type == NLMSG_OVERRUN) continue;
        if (on_message) on_message(reply);
      }
    }
  }
};

Result<VipAddresses> VipAddresses::open(std::string interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ || interface.find_first_of("/ \t\n") != std::string::npos)
    return fail(Error::invalid("\"" + interface + "\" is not a network interface name"));
  auto socket = std::make_unique<Socket>();
  socket->socket = mnl_socket_open(NETLINK_ROUTE);
  if (!socket->socket) return fail(errno_error(errno, "opening an rtnetlink socket"));
  if (mnl_socket_bind(socket->socket, 0, MNL_SOCKET_AUTOPID) < 0)
    return fail(errno_error(errno, "binding an rtnetlink socket"));
  socket->port_id = mnl_socket_get_portid(socket->socket);
  int on = 1;
  // Best effort: the kernel's reason text for an error, without the echo of
  // our request. Older kernels lack them; errors then carry only errno.
  mnl_socket_setsockopt(socket->socket, NETLINK_EXT_ACK, &on, sizeof(on));
  mnl_socket_setsockopt(socket->socket, NETLINK_CAP_ACK, &on, sizeof(on));
  timeval timeout{kReceiveTimeoutSeconds, 0};
  ::setsockopt(mnl_socket_get_fd(socket->socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  VipAddresses table(std::move(interface), std::move(socket));
  // A missing interface is reported now, not at the first sync.
  if (auto index = table.interface_index(); !index) return fail(index.error());
  return table;
}

VipAddresses::VipAddresses(std::string interface, std::unique_ptr<Socket> socket)
    : interface_(std::move(interface)), socket_(std::move(socket)) {}
VipAddresses::VipAddresses(VipAddresses&&) noexcept = default;
VipAddresses& VipAddresses::operator=(VipAddresses&&) noexcept = default;
VipAddresses::~VipAddresses() = default;

Result<uint32_t> VipAddresses::interface_index() {
  // Asked over our socket (not if_nametoindex) so that the lookup happens in
  // the socket's network namespace, whichever thread calls.
  std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* header = mnl_nlmsg_put_header(request.data());
  header->nlmsg_type = RTM_GETLINK;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  auto* info = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(header, sizeof(ifinfomsg)));
  info->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(header, IFLA_IFNAME, interface_.c_str());
  uint32_t index = 0;
  auto done =
      socket_->transact(header, "looking up network interface \"" + interface_ + "\"", [&](const nlmsghdr* reply) {
        if (reply->nlmsg_type != RTM_NEWLINK || reply->nlmsg_len < mnl_nlmsg_size(sizeof(ifinfomsg))) return;
        index = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(reply))->ifi_index;
      });
  if (!done) {
    Error error = done.error();
    if (error.code == ErrorCode::kNotFound) error.message = "no network interface \"" + interface_ + "\"";
    return fail(std::move(error));
  }
  if (index == 0)
    return fail(Error::make(ErrorCode::kNotFound, "no network interface \"" + interface_ + "\"", Retry::kYes));
  return index;
}

Result<std::vector<InterfaceAddress>> VipAddresses::list() {
  auto index = interface_index();
  if (!index) return fail(index.error());
  std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* header = mnl_nlmsg_put_header(request.data());
  header->nlmsg_type = RTM_GETADDR;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* message = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(header, sizeof(ifaddrmsg)));
  message->ifa_family = AF_UNSPEC;
  std::vector<InterfaceAddress> addresses;
  auto done = socket_->transact(header, "listing the addresses of \"" + interface_ + "\"", [&](const nlmsghdr* reply) {
    if (reply->nlmsg_type != RTM_NEWADDR || reply->nlmsg_len < mnl_nlmsg_size(sizeof(ifaddrmsg))) return;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(reply));
    // The dump covers every interface: a kernel without strict checking
    // ignores a filter in the request.
    if (ifa->ifa_index != *index) return;
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return;
    const size_t size = ifa->ifa_family == AF_INET ? 4 : 16;
    const nlattr* local = nullptr;
    const nlattr* address = nullptr;
    std::optional<uint8_t> protocol;
    int remaining = static_cast<int>(reply->nlmsg_len) - static_cast<int>(mnl_nlmsg_size(MNL_ALIGN(sizeof(ifaddrmsg))));
    for (auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(reply, sizeof(ifaddrmsg)));
         mnl_attr_ok(attr, remaining); remaining -= MNL_ALIGN(attr->nla_len), attr = mnl_attr_next(attr)) {
      switch (mnl_attr_get_type(attr)) {
        case IFA_LOCAL:
          if (mnl_attr_get_payload_len(attr) == size) local = attr;
          break;
        case IFA_ADDRESS:
          if (mnl_attr_get_payload_len(attr) == size) address = attr;
          break;
        case IFA_PROTO:
          if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) protocol = mnl_attr_get_u8(attr);
          break;
        default:
          break;
      }
    }
    // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's
    // on a point-to-point link (and the only one IPv6 usually sends).
    const nlattr* own = local ? local : address;
    if (!own) return;
    InterfaceAddress entry;
    entry.address.family = ifa->ifa_family == AF_INET ? Family::kV4 : Family::kV6;
    std::memcpy(entry.address.bytes.data(), mnl_attr_get_payload(own), size);
    entry.prefix_length = ifa->ifa_prefixlen;
    entry.protocol = protocol.value_or(0);
    entry.owned = entry.protocol == kPierAddressProtocol ||
                  (added_.contains(entry.address) && entry.prefix_length == host_prefix(entry.address));
    addresses.push_back(entry);
  });
  if (!done) return fail(done.error());
  // Forget what is gone: a later address with that value may be someone else's.
  std::erase_if(added_, [&](const IpAddress& a) {
    return std::none_of(addresses.begin(), addresses.end(), [&](const InterfaceAddress& e) { return e.address == a; });
  });
  std::sort(addresses.begin(), addresses.end(), [](const InterfaceAddress& a, const InterfaceAddress& b) {
    return a.address != b.address ? a.address < b.address : a.prefix_length < b.prefix_length;
  });
  return addresses;
}

Result<bool> VipAddresses::add(const IpAddress& address) {
  auto index = interface_index();
  if (!index) return fail(index.error());
  std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* header = mnl_nlmsg_put_header(request.data());
  header->nlmsg_type = RTM_NEWADDR;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(header, sizeof(ifaddrmsg)));
  ifa->ifa_family = static_cast<uint8_t>(family_of(address));
  ifa->ifa_prefixlen = host_prefix(address);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = *index;
  // The same VIP is on every LVS node of an ECMP group on purpose: duplicate
  // address detection would leave it tentative (unusable) on a shared link.
  if (address.family == Family::kV6) ifa->ifa_flags = IFA_F_NODAD;
  mnl_attr_put(header, IFA_LOCAL, size_of(address), address.bytes.data());
  mnl_attr_put(header, IFA_ADDRESS, size_of(address), address.bytes.data());
  mnl_attr_put_u8(header, IFA_PROTO, kPierAddressProtocol);
  auto done = socket_->transact(header, "adding " + address.text() + " to \"" + interface_ + "\"");
  if (!done) {
    if (socket_->kernel_errno == EEXIST) return false;
    return fail(done.error());
  }
  added_.insert(address);
  return true;
}

Result<bool> VipAddresses::remove(const IpAddress& address) {
  auto present = list();
  if (!present) return fail(present.error());
  return remove_from(*present, address);
}

Result<bool> VipAddresses::remove_from(const std::vector<InterfaceAddress>& present, const IpAddress& address) {
  const InterfaceAddress* ours = nullptr;
  bool foreign = false;
  for (const InterfaceAddress& entry : present) {
    if (entry.address != address) continue;
    if (entry.owned)
      ours = &entry;
    else
      foreign = true;
  }
  if (!ours) {
    if (!foreign) return false;
    return fail(Error::make(ErrorCode::kConflict,
                            address.text() + " on \"" + interface_ + "\" was not added by pier lb: left in place"));
  }
  auto index = interface_index();
  if (!index) return fail(index.error());
  std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* header = mnl_nlmsg_put_header(request.data());
  header->nlmsg_type = RTM_DELADDR;
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(header, sizeof(ifaddrmsg)));
  ifa->ifa_family = static_cast<uint8_t>(family_of(address));
  ifa->ifa_prefixlen = ours->prefix_length;
  ifa->ifa_index = *index;
  mnl_attr_put(header, IFA_LOCAL, size_of(address), address.bytes.data());
  mnl_attr_put(header, IFA_ADDRESS, size_of(address), address.bytes.data());
  auto done = socket_->transact(header, "removing " + address.text() + " from \"" + interface_ + "\"");
  added_.erase(address);
  if (!done) {
    // Gone meanwhile: what we wanted.
    if (socket_->kernel_errno == EADDRNOTAVAIL) return false;
    return fail(done.error());
  }
  return true;
}

Result<AddressSyncReport> VipAddresses::sync(std::span<const IpAddress> wanted) {
  auto present = list();
  if (!present) return fail(present.error());
  std::vector<IpAddress> owned;
  std::vector<IpAddress> foreign;
  for (const InterfaceAddress& entry : *present) (entry.owned ? owned : foreign).push_back(entry.address);
  AddressChanges changes = address_changes(wanted, owned, foreign);
  AddressSyncReport report;
  // Additions first: a VIP moving between services is never missing.
  for (const IpAddress& address : changes.add) {
    auto added = add(address);
    if (!added)
      report.failed.push_back({address, added.error()});
    else
      report.added.push_back(address);
  }
  for (const IpAddress& address : changes.remove) {
    auto removed = remove_from(*present, address);
    if (!removed)
      report.failed.push_back({address, removed.error()});
    else if (*removed)
      report.removed.push_back(address);
  }
  return report;
}

}  // namespace pier::lb
