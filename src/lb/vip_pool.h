// The VIP pool for `type: LoadBalancer` Services that name no address:
// ranges of addresses, handed out lowest-free first.
//
//   auto pool = lb::VipAllocator::create({"10.9.0.0/28", "2001:db8:9::10-2001:db8:9::1f"});
//   pool->reserve(vip_in_use);                     // every VIP already taken, first
//   auto vip = pool->allocate(lb::Family::kV4);    // nullopt when exhausted
//
// Deterministic: the same reservations and the same allocation order give
// the same addresses. Callers reserve existing assignments first (a Service
// keeps the address in its status), so a new Service never moves another one.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "lb/address.h"

namespace pier::lb {

class VipAllocator {
 public:
  // Each range as `CIDR`, `FIRST-LAST` or one address; kInvalidInput names a bad one.
  static Result<VipAllocator> create(const std::vector<std::string>& ranges);

  bool contains(const IpAddress& address) const;
  bool reserved(const IpAddress& address) const { return used_.contains(address); }
  void reserve(const IpAddress& address) { used_.insert(address); }
  // The lowest free address of `family`, now reserved. Once allocation has
  // started, later reservations below the cursor are not seen again: reserve
  // everything first. O(addresses skipped) over all calls together.
  std::optional<IpAddress> allocate(Family family);

 private:
  struct Cursor {
    size_t range = 0;
    std::optional<IpAddress> next;
  };
  std::vector<AddressRange> ranges_;
  std::set<IpAddress> used_;
  Cursor cursor_v4_, cursor_v6_;
};

}  // namespace pier::lb
