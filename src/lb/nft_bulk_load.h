// The fast path for filling an empty `table inet pier_lb` with many
// services: the chains, rules, counters and map elements built as netlink
// messages with libnftnl and sent as one nftables transaction, instead of a
// 27 MB script that libnftables parses and evaluates (half of a 20,000-
// service load went there). The table itself, its maps and base chains
// come from libnftables (render_table with no services), so the kernel
// objects are exactly what nft makes and what read_actual parses back.
//
//   dataplane.run(nft::render_table({}));           // the empty table: maps, base chains
//   auto loaded = nft::bulk_load_services(services); // on a thread in the table's namespace
//
// The rules are the ones render_table writes (the nft_ruleset.h layout):
// the tests compare `nft -j list table` after both.
#pragma once

#include "common/error.h"
#include "lb/nft_ruleset.h"

namespace pier::lb::nft {

// Adds every service of `services` to the existing, service-less table in
// one transaction: all of them appear at once, or none (the kernel's error
// for the first message it refused). Runs in the calling thread's network
// namespace. Services must pass check_supported.
Result<void> bulk_load_services(const Services& services);

}  // namespace pier::lb::nft
