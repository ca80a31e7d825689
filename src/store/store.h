// The console's database, as one interface: releases with their history,
// operations (one per release at a time, across every replica), their
// progress events, presets, users and tokens, and the audit log.
//
//   auto store = pier::store::open_store("sqlite:///var/lib/pier/pier.db");  // or postgres://...
//   if (!store) return fail(store.error());
//   auto op = (*store)->begin_operation({.key = key, .kind = "upgrade", .user = "alice", .holder = "pier-0/42"});
//   if (!op) ...  // kConflict: "... upgrade by bob (operation 41, holder pier-1/7) running since ..."
//   auto rev = (*store)->create_revision({.key = key, ..., .operation = op->id});
//   (*store)->append_event(op->id, {{"type", "applied"}, {"done", 3}, {"total", 5}});
//   (*store)->update_revision_status(key, rev->revision, RevisionStatus::kDeployed, "");
//   (*store)->finish_operation(op->id, OperationStatus::kSucceeded, "");
//
// Every method returns a value or an Error, never throws: kInvalidInput for bad
// arguments, kNotFound for a missing release, revision, operation, preset,
// user or token, kConflict for a held release or a taken name, kDenied for a
// token that does not authenticate, kUnavailable with Retry::kYes when the
// database cannot be reached or is busy (try again later).
//
// Implementations are thread-safe. Times come from the Clock given at open;
// leases compare wall-clock times of every replica, so their clocks must agree
// (NTP) to well within a lease's TTL.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "store/model.h"

namespace pier::store {

class Store {
 public:
  virtual ~Store() = default;

  // ---- releases and revisions ----

  // Adds the next revision of a release (creating the release with revision
  // 1), status pending. Numbers are unique and gapless under concurrent writers.
  virtual Result<RevisionInfo> create_revision(const NewRevision& revision) = 0;

  // Moves a pending revision to `status` (not pending) and sets finished_at.
  // Deploying one supersedes the release's previously deployed revision.
  // kConflict when the revision already left pending with another status.
  virtual Result<RevisionInfo> update_revision_status(const ReleaseKey& key, int revision, RevisionStatus status,
                                                      std::string_view status_detail) = 0;

  virtual Result<Revision> get_revision(const ReleaseKey& key, int revision) = 0;
  virtual Result<Revision> latest(const ReleaseKey& key) = 0;
  // Every revision, newest first, without values and manifests.
  virtual Result<std::vector<RevisionInfo>> history(const ReleaseKey& key) = 0;
  virtual Result<ReleaseSummary> get_release(const ReleaseKey& key) = 0;
  // Ordered by cluster, namespace, name. Releases without a revision yet are not listed.
  virtual Result<Page<ReleaseSummary>> list_releases(const ReleaseFilter& filter, const PageRequest& page) = 0;

  // ---- operations ----

  // Takes the release for one operation. kConflict naming the holder, the
  // user, the kind and since when, unless that holder's lease has lapsed: then
  // its operation and its pending revisions become interrupted and this one
  // proceeds.
  virtual Result<Operation> begin_operation(const NewOperation& operation) = 0;
  // Extends the lease by its TTL. kConflict when the operation is no longer
  // running (its lease lapsed and it was interrupted): the worker must stop.
  virtual Result<Operation> heartbeat(OperationId id) = 0;
  // Ends a running operation and frees its release. `status` is succeeded,
  // failed or interrupted; revisions of the operation still pending become
  // failed (when it failed) or interrupted. kConflict when it already ended.
  virtual Result<Operation> finish_operation(OperationId id, OperationStatus status, std::string_view message) = 0;
  virtual Result<Operation> get_operation(OperationId id) = 0;
  // Interrupts every running operation whose lease has lapsed (its holder
  // died); returns how many. Run at start-up and then periodically.
  virtual Result<int> reap_expired() = 0;

  // ---- progress events ----

  // Stores an event of an operation (any status) and returns its number.
  virtual Result<std::int64_t> append_event(OperationId id, const nlohmann::json& event) = 0;
  // Events numbered above `after_seq`, oldest first, at most 1000 per call.
  virtual Result<std::vector<Event>> events(OperationId id, std::int64_t after_seq) = 0;
  // Like events(), but waits up to `timeout` for one when there are none yet;
  // empty on timeout. Appends in this process wake the waiter at once; those
  // of other replicas are seen by polling (StoreOptions::event_poll_interval).
  // It also returns (possibly empty) as soon as an operation ends in this
  // process, so that a follower can check whether its operation is over.
  virtual Result<std::vector<Event>> wait_for_events(OperationId id, std::int64_t after_seq,
                                                     std::chrono::milliseconds timeout) = 0;

  // ---- presets ----

  // kConflict when the name is taken in that app and team and `if_exists` is kFail.
  virtual Result<Preset> save_preset(const Preset& preset, IfExists if_exists) = 0;
  virtual Result<Preset> get_preset(const PresetKey& key) = 0;
  // The app's presets, of one team when `team` is set (shared ones are team ""),
  // ordered by team and name.
  virtual Result<std::vector<Preset>> list_presets(std::string_view app, std::optional<std::string> team) = 0;
  virtual Result<void> delete_preset(const PresetKey& key) = 0;

  // ---- users and tokens ----

  virtual Result<User> create_user(const User& user) = 0;  // kConflict when the name is taken
  virtual Result<User> update_user(const User& user) = 0;  // role and scopes
  virtual Result<User> get_user(std::string_view name) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<void> delete_user(std::string_view name) = 0;  // with its tokens

  // A new random token ("pier_" + 43 characters), returned once in plaintext;
  // only its SHA-256 is stored.
  virtual Result<NewToken> create_token(std::string_view user, std::string_view description) = 0;
  // The token's user with role and scopes; kDenied for an unknown or revoked token.
  virtual Result<Principal> authenticate(std::string_view token) = 0;
  virtual Result<void> revoke_token(std::int64_t token_id) = 0;
  // Newest first; of one user when `user` is set.
  virtual Result<std::vector<TokenInfo>> list_tokens(std::optional<std::string> user) = 0;

  // ---- audit log ----

  virtual Result<AuditEntry> append_audit(const NewAuditEntry& entry) = 0;
  // Newest first.
  virtual Result<Page<AuditEntry>> list_audit(const AuditFilter& filter, const PageRequest& page) = 0;
};

struct StoreOptions {
  const Clock* clock = &SystemClock::instance();  // must outlive the store
  int max_connections = 8;                        // per store instance
  std::chrono::milliseconds busy_timeout{5'000};  // SQLite: how long a writer waits for another
  std::chrono::milliseconds connect_timeout{5'000};      // PostgreSQL
  std::chrono::milliseconds event_poll_interval{500};    // wait_for_events: other replicas' events
};

// Opens (and creates or migrates) the database named by `url`:
// `postgres://...` or `postgresql://...` (libpq's URI syntax: user, password,
// host, port, database, parameters); `sqlite://PATH` or a plain PATH
// (`sqlite:///var/lib/pier/pier.db` is the absolute path /var/lib/pier/pier.db).
// Refuses a database migrated by a newer Pier. Errors never show a password.
Result<std::unique_ptr<Store>> open_store(std::string_view url, const StoreOptions& options = {});

}  // namespace pier::store
