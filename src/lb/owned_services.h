// Which IPVS virtual services are Pier's. The kernel keeps no owner, and
// kube-proxy's answer (flush everything at start-up) destroyed what others
// had set up; Pier records each virtual service it creates in a file of its
// own, before creating it, and only those are ever changed or removed.
//
//   lb::OwnedServices owned("/var/lib/pier-lb/ipvs-owned.json");
//   auto loaded = owned.load();                 // at start-up
//   owned.claim(new_keys);                      // before NEW_SERVICE
//   owned.release(removed_keys);                // after DEL_SERVICE
//
// A claim written for a service whose creation then failed is harmless: the
// next read finds no such service, and a later release forgets it.
#pragma once

#include <filesystem>
#include <set>
#include <span>

#include "common/error.h"
#include "lb/model.h"

namespace pier::lb {

class OwnedServices {
 public:
  explicit OwnedServices(std::filesystem::path path) : path_(std::move(path)) {}

  // Reads the file; a missing file is an empty record (a first start), a
  // damaged one an error that names it (never silently treated as empty:
  // that would disown every service).
  Result<void> load();
  bool contains(const ServiceKey& key) const { return keys_.contains(key); }
  const std::set<ServiceKey>& keys() const { return keys_; }

  // Each writes the whole record atomically, once per call, only when it
  // changes; on a failed write the record in memory is left as it was.
  Result<void> claim(std::span<const ServiceKey> keys);
  Result<void> release(std::span<const ServiceKey> keys);

  const std::filesystem::path& path() const { return path_; }

 private:
  Result<void> store(const std::set<ServiceKey>& keys);

  std::filesystem::path path_;
  std::set<ServiceKey> keys_;
};

}  // namespace pier::lb
