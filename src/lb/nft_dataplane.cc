#include "lb/nft_dataplane.h"

#include "lb/nft_bulk_load.h"

#include <fcntl.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace pier::lb {
namespace {

// nft reports kernel errors as strerror text inside its message.
Error nft_error(std::string text) {
  if (text.size() > 2000) text = text.substr(0, 2000) + "...";
  auto has = [&](std::string_view s) { return text.find(s) != std::string::npos; };
  Error e = Error::make(ErrorCode::kUnavailable, "nft: " + text, Retry::kResync);
  if (has("Operation not permitted")) {
    e.code = ErrorCode::kDenied;
    e.retry = Retry::kNo;
  } else if (has("Device or resource busy") || has("Cannot allocate memory") || has("Resource temporarily unavailable") ||
             has("No buffer space") || has("Interrupted")) {
    e.retry = Retry::kYes;
  } else if (has("syntax error")) {
    // We wrote something nft does not understand: a bug of ours.
    e.code = ErrorCode::kInternal;
    e.retry = Retry::kNo;
  }
  // Everything else (a missing or existing object) means the kernel's table
  // is not what we think it is: read it again before the next try.
  return e;
}

std::string table_missing_marker() { return "No such file or directory"; }

}  // namespace

Result<std::unique_ptr<NftDataplane>> NftDataplane::create(NftOptions options) {
  int fd = -1;
  if (!options.netns.empty()) {
    fd = ::open(options.netns.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(Error::io("open network namespace " + options.netns + ": " + std::strerror(errno)));
  }
  return std::unique_ptr<NftDataplane>(new NftDataplane(std::move(options), fd));
}

NftDataplane::NftDataplane(NftOptions options, int netns_fd) : options_(std::move(options)), netns_fd_(netns_fd) {}

NftDataplane::~NftDataplane() {
  if (netns_fd_ >= 0) ::close(netns_fd_);
}

Result<std::string> NftDataplane::run(const std::string& script, bool json) {
  Result<std::string> result = fail(Error::internal("nft: not run"));
  auto body = [&] {
    nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
    if (ctx == nullptr) {
      result = fail(Error::make(ErrorCode::kUnavailable, "nft: cannot create a libnftables context", Retry::kYes));
      return;
    }
    nft_ctx_buffer_output(ctx);
    nft_ctx_buffer_error(ctx);
    // Terse: without set elements (the traffic maps hold two per real
    // server), which neither read_actual nor read_traffic needs.
    if (json) nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_TERSE);
    int rc = nft_run_cmd_from_buffer(ctx, script.c_str());
    const char* out = nft_ctx_get_output_buffer(ctx);
    const char* err = nft_ctx_get_error_buffer(ctx);
    if (rc == 0)
      result = std::string(out ? out : "");
    else
      result = fail(nft_error(err && *err ? err : "command failed"));
    nft_ctx_free(ctx);
  };
  if (auto entered = in_namespace(body); !entered) return fail(entered.error());
  return result;
}

Result<void> NftDataplane::in_namespace(const std::function<void()>& body) {
  if (netns_fd_ < 0) {
    body();
    return {};
  }
  // setns changes only the calling thread: a thread of our own enters the
  // namespace, so the caller's threads stay where they are.
  Result<void> entered;
  std::thread worker([&] {
    if (::setns(netns_fd_, CLONE_NEWNET) != 0) {
      entered = fail(Error::io("enter network namespace " + options_.netns + ": " + std::strerror(errno)));
      return;
    }
    body();
  });
  worker.join();
  return entered;
}

Result<void> NftDataplane::write_whole_table(const nft::Services& services) {
  // Where there is no table yet: an empty one first (render_table with no
  // services: the maps and base chains), then every service in one more
  // transaction built with libnftnl (nft_bulk_load.h), so all services
  // appear at once. An existing table is replaced by the whole-table script
  // in one transaction, as it must never be empty in between; the script
  // is also the fallback if the fast path fails.
  if (services.size() >= options_.bulk_load_from && !table_exists()) {
    if (auto skeleton = run(nft::render_table({})); skeleton) {
      Result<void> loaded = fail(Error::internal("nftables bulk load: not run"));
      auto entered = in_namespace([&] { loaded = nft::bulk_load_services(services); });
      if (entered && loaded) return {};
    }
  }
  auto done = run(nft::render_table(services));
  if (!done) return fail(done.error());
  return {};
}

bool NftDataplane::table_exists() {
  auto tables = run("list tables");
  // When in doubt, the safe answer: the script replaces atomically either way.
  if (!tables) return true;
  return tables->find("table inet " + std::string(nft::kTable) + "\n") != std::string::npos;
}

Result<Actual> NftDataplane::read_actual() {
  auto listing = run("list table inet " + std::string(nft::kTable), true);
  if (!listing) {
    if (listing.error().message.find(table_missing_marker()) == std::string::npos) return fail(listing.error());
    mirror_.clear();
    table_known_ = false;  // the first apply creates it whole
    return Actual{};
  }
  auto actual = nft::parse_actual(*listing);
  if (!actual) return fail(actual.error());
  mirror_.clear();
  for (const auto& [key, s] : actual->services) {
    VirtualService vs;
    vs.key = key;
    vs.scheduler = s.scheduler;
    vs.forwarding = s.forwarding;
    vs.persistence_seconds = s.persistence_seconds;
    for (const auto& rs : s.real_servers) vs.real_servers.push_back(rs.server);
    mirror_.emplace_hint(mirror_.end(), key, std::move(vs));
  }
  table_known_ = true;
  return actual;
}

Result<std::vector<ServiceTraffic>> NftDataplane::read_traffic() {
  auto listing = run("list table inet " + std::string(nft::kTable), true);
  if (!listing) {
    if (listing.error().message.find(table_missing_marker()) != std::string::npos) return std::vector<ServiceTraffic>{};
    return fail(listing.error());
  }
  return nft::parse_traffic(*listing);
}

Result<void> NftDataplane::replace_all(const nft::Services& services) {
  for (const auto& [key, vs] : services)
    if (auto ok = nft::check_supported(vs); !ok) return ok;
  auto done = write_whole_table(services);
  if (!done) return fail(done.error());
  mirror_ = services;
  table_known_ = true;
  return {};
}

ApplyReport NftDataplane::apply(std::span<const Operation> operations) {
  ApplyReport report;
  nft::Services next = mirror_;
  std::vector<ServiceKey> touched;
  std::map<ServiceKey, std::vector<const Operation*>> groups;
  for (const auto& op : operations) {
    if (auto ok = nft::apply_operation(next, op); !ok) {
      report.failed.push_back({op, ok.error()});
      continue;
    }
    touched.push_back(op.service);
    groups[op.service].push_back(&op);
  }
  if (groups.empty()) return report;
  size_t valid = operations.size() - report.failed.size();
  bool written = table_known_ ? run(nft::render_update(mirror_, next, touched)).has_value()
                              : write_whole_table(next).has_value();
  if (written) {
    mirror_ = std::move(next);
    table_known_ = true;
    report.applied += valid;
    return report;
  }
  // The transaction failed as a whole: find out which service it was by
  // applying each alone, on a table we know.
  if (!table_known_) {
    auto base = run(nft::render_table(mirror_));
    if (!base) {
      for (const auto& [key, ops] : groups)
        for (const Operation* op : ops) report.failed.push_back({*op, base.error()});
      return report;
    }
    table_known_ = true;
  }
  return apply_per_service(groups, std::move(report));
}

ApplyReport NftDataplane::apply_per_service(const std::map<ServiceKey, std::vector<const Operation*>>& groups,
                                            ApplyReport report) {
  for (const auto& [key, ops] : groups) {
    nft::Services next = mirror_;
    for (const Operation* op : ops) (void)nft::apply_operation(next, *op);  // checked above
    ServiceKey keys[] = {key};
    auto done = run(nft::render_update(mirror_, next, keys));
    if (done) {
      mirror_ = std::move(next);
      report.applied += ops.size();
      continue;
    }
    Error error = done.error();
    error.message = key.text() + ": " + error.message;
    for (const Operation* op : ops) report.failed.push_back({*op, error});
  }
  return report;
}

}  // namespace pier::lb
