#include "lb/vip_pool.h"

namespace pier::lb {

Result<VipAllocator> VipAllocator::create(const std::vector<std::string>& ranges) {
  VipAllocator allocator;
  for (const auto& text : ranges) {
    auto range = parse_address_range(text);
    if (!range) return fail(Error::invalid("VIP pool: '" + text + "' is not a CIDR, FIRST-LAST range or address"));
    allocator.ranges_.push_back(*range);
  }
  return allocator;
}

bool VipAllocator::contains(const IpAddress& address) const {
  for (const auto& range : ranges_)
    if (range.first.family == address.family && !(address < range.first) && !(range.last < address)) return true;
  return false;
}

std::optional<IpAddress> VipAllocator::allocate(Family family) {
  Cursor& cursor = family == Family::kV4 ? cursor_v4_ : cursor_v6_;
  for (; cursor.range < ranges_.size(); ++cursor.range, cursor.next.reset()) {
    const AddressRange& range = ranges_[cursor.range];
    if (range.first.family != family) continue;
    if (!cursor.next) cursor.next = range.first;
    while (cursor.next && !(range.last < *cursor.next)) {
      IpAddress candidate = *cursor.next;
      cursor.next = next_address(candidate);
      if (used_.insert(candidate).second) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace pier::lb
