// The VIPs as local addresses: which ones the load balancer should carry
// (pure), and putting them on an interface over rtnetlink (the effect).
// A VIP must be a local address for IPVS/nftables to take its packets, and
// bird announces it by OSPF (bird_config.h).
//
//   std::vector<lb::IpAddress> vips = lb::vips_to_announce(desired, {.withdraw_without_ready = true});
//   auto table = lb::VipAddresses::open("pier-vips");    // a dummy interface in production
//   if (!table) return log(table.error().describe());
//   lb::AddressSyncReport report = table->sync(vips);     // adds the missing, removes Pier's stale ones
//   for (const auto& f : report.failed) log(f.address.text(), f.error.message);
//
// Ownership: every address Pier adds carries the address protocol
// kPierAddressProtocol (IFA_PROTO, Linux 6.1+). Only addresses with that
// marker, or added by this object (older kernels drop the marker), are ever
// removed; an address someone else put on the interface is never touched,
// even when it equals a VIP.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"
#include "lb/address.h"
#include "lb/desired_state.h"

namespace pier::lb {

// ---- pure --------------------------------------------------------------

struct AnnounceOptions {
  // Leave out a VIP none of whose virtual services has a real server with
  // weight > 0: upstream routers then send its traffic to another LVS node
  // (or nowhere) instead of one that can only refuse it.
  bool withdraw_without_ready = false;
};

// The VIPs of all virtual services, sorted (IPv4 first) and unique.
std::vector<IpAddress> vips_to_announce(const Desired& desired, const AnnounceOptions& options = {});

struct AddressChanges {
  std::vector<IpAddress> add;     // sorted
  std::vector<IpAddress> remove;  // sorted; always a subset of present_owned

  bool operator==(const AddressChanges&) const = default;
};

// What to add and what to remove so that Pier's addresses are `wanted`.
// `present_foreign` are addresses already on the interface that Pier does not
// own: a wanted VIP among them is not added (it is already local) and they
// are never removed. Inputs need not be sorted or unique.
AddressChanges address_changes(std::span<const IpAddress> wanted, std::span<const IpAddress> present_owned,
                               std::span<const IpAddress> present_foreign = {});

// ---- effect: rtnetlink -------------------------------------------------

// The IFA_PROTO value that marks Pier's addresses: 0x50, 'P'. The kernel
// uses 0-3 (unspec, loopback, router advertisement, link-local); other
// values are free for user space. `ip -d addr show` prints it as
// `proto 0x50`.
inline constexpr uint8_t kPierAddressProtocol = 0x50;

struct InterfaceAddress {
  IpAddress address;
  uint8_t prefix_length = 0;
  uint8_t protocol = 0;  // IFA_PROTO, 0 when the kernel sent none
  bool owned = false;    // Pier's: marked, or added by this VipAddresses

  bool operator==(const InterfaceAddress&) const = default;
};

struct FailedAddress {
  IpAddress address;
  Error error;  // error.retry says whether the next sync may succeed
};

struct AddressSyncReport {
  std::vector<IpAddress> added;
  std::vector<IpAddress> removed;
  // One failure does not stop the others.
  std::vector<FailedAddress> failed;
};

// What the controller needs from the VIP interface; one real kind
// (VipAddresses), a fake in the controller's tests.
class VipAddressSync {
 public:
  virtual ~VipAddressSync() = default;
  // Makes Pier's addresses on the interface exactly `wanted`, foreign ones
  // untouched; an error only when the interface could not be read.
  virtual Result<AddressSyncReport> sync(std::span<const IpAddress> wanted) = 0;
};

// The addresses of one interface, over an rtnetlink socket (libmnl). VIPs
// go on as /32 or /128 host addresses, IPv6 without duplicate address
// detection (every LVS node of an ECMP group carries the same VIP).
//
// The socket belongs to the network namespace of the thread that called
// open(). The interface is looked up by name on every call, so a recreated
// interface is found again. Not thread-safe: one caller at a time.
//
// Errors: a missing interface is kNotFound (Retry::kYes: it may be created
// later); EPERM is kDenied; EBUSY, EAGAIN, ENOBUFS, ENOMEM, EINTR and a
// timeout are kUnavailable with Retry::kYes; an interrupted dump is
// Retry::kResync; the rest kIo. Messages carry the errno text and the
// kernel's extended-ack text when it sends one.
class VipAddresses final : public VipAddressSync {
 public:
  static Result<VipAddresses> open(std::string interface);

  VipAddresses(VipAddresses&&) noexcept;
  VipAddresses& operator=(VipAddresses&&) noexcept;
  ~VipAddresses() override;

  const std::string& interface() const { return interface_; }

  // Every address on the interface, Pier's and foreign ones.
  Result<std::vector<InterfaceAddress>> list();

  // Adds `address` as a host address with Pier's marker. True when added,
  // false when the interface already had it (EEXIST).
  Result<bool> add(const IpAddress& address);

  // Removes `address` if it is on the interface and Pier's. True when
  // removed, false when absent; a foreign address is left in place and is
  // a kConflict error.
  Result<bool> remove(const IpAddress& address);

  // list(), address_changes(), then add and remove; an error only when the
  // list itself failed.
  Result<AddressSyncReport> sync(std::span<const IpAddress> wanted) override;

 private:
  struct Socket;
  VipAddresses(std::string interface, std::unique_ptr<Socket> socket);

  Result<uint32_t> interface_index();
  // remove() against a listing already made (sync lists once for all).
  Result<bool> remove_from(const std::vector<InterfaceAddress>& present, const IpAddress& address);

  std::string interface_;
  std::unique_ptr<Socket> socket_;
  // Addresses this object added: Pier's even where the kernel dropped the
  // IFA_PROTO marker (before Linux 6.1).
  std::set<IpAddress> added_;
};

}  // namespace pier::lb
