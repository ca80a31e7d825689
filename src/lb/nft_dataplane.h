// The nftables dataplane: Pier's virtual services as `table inet pier_lb`
// (layout in nft_ruleset.h), written through libnftables.
//
//   auto dp = lb::NftDataplane::create({.netns = "/run/netns/lb"});   // or {} for this namespace
//   lb::Result<lb::Actual> actual = (*dp)->read_actual();
//   lb::ApplyReport report = (*dp)->apply(lb::diff(desired, *actual, {.now = now}).operations);
//
// It keeps a mirror of what it wrote (reloaded by read_actual), so that an
// apply rewrites only the touched services' chains and elements, all in one
// nft transaction. If that transaction fails, each service is applied alone
// so one bad operation does not hold back the others. A whole-table write
// (the first of a process, or replace_all) swaps in the whole table in one
// transaction by script where a table exists; where none does, it makes the
// empty table and loads every service in one libnftnl batch
// (nft_bulk_load.h: twice as fast at 20,000 services). Nothing outside the
// table is read or written.
//
// Namespaces: with `netns` set, each libnftables call runs on a short-lived
// thread that entered that network namespace (setns), so the caller's
// threads stay where they are; the nft context (and its netlink socket) is
// made on that thread for each call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "lb/dataplane.h"
#include "lb/nft_ruleset.h"

namespace pier::lb {

struct NftOptions {
  std::string netns;  // a file such as /run/netns/NAME; empty: the caller's namespace
  // A whole-table write of at least this many services takes the libnftnl
  // bulk path (nft_bulk_load.h); smaller ones the script (fast enough).
  size_t bulk_load_from = 64;
};

class NftDataplane : public Dataplane {
 public:
  // Fails only if `netns` cannot be opened.
  static Result<std::unique_ptr<NftDataplane>> create(NftOptions options = {});
  ~NftDataplane() override;

  std::string_view name() const override { return "nftables"; }
  Result<Actual> read_actual() override;
  ApplyReport apply(std::span<const Operation> operations) override;
  Result<std::vector<ServiceTraffic>> read_traffic() override;

  // The table becomes exactly `services`, atomically (counters start at 0).
  Result<void> replace_all(const nft::Services& services);

  // Runs one nft script (several commands, one transaction); `json` asks for
  // terse JSON output (no set elements). Returns what nft printed. Public for
  // tests and the bench.
  Result<std::string> run(const std::string& script, bool json = false);

 private:
  explicit NftDataplane(NftOptions options, int netns_fd);
  Result<void> write_whole_table(const nft::Services& services);
  bool table_exists();
  // Runs body on a thread in the dataplane's network namespace (or here).
  Result<void> in_namespace(const std::function<void()>& body);
  ApplyReport apply_per_service(const std::map<ServiceKey, std::vector<const Operation*>>& groups, ApplyReport report);

  NftOptions options_;
  int netns_fd_ = -1;
  nft::Services mirror_;
  // Whether the kernel's table is known to equal mirror_ (after read_actual
  // found it, or after we wrote it). If not, the next apply writes it whole.
  bool table_known_ = false;
};

}  // namespace pier::lb
