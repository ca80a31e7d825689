// The console's records, as plain values: releases and their revisions,
// operations and their progress events, presets, users and tokens, audit
// entries. A Store (store.h) keeps them; nothing here does I/O.
//
//   pier::store::ReleaseKey key{"prod-eu", "shop", "web"};
//   pier::store::NewRevision r{.key = key, .app = "jetty", .app_version = "1.4.0", .values = values};
//   Result<RevisionInfo> stored = store.create_revision(r);  // revision 1, 2, ... status pending
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace pier::store {

// Wall-clock time, stored with millisecond precision.
using Timestamp = std::chrono::system_clock::time_point;

// ---- releases and revisions ------------------------------------------------

// Which release: the kubeconfig context (cluster), the namespace and the
// release name. All three are required.
struct ReleaseKey {
  std::string cluster;
  std::string namespace_name;
  std::string name;

  auto operator<=>(const ReleaseKey&) const = default;
  // "cluster/namespace/name", for messages.
  std::string to_string() const;
};

// kInvalidInput when a part is empty or holds control characters.
Result<void> validate(const ReleaseKey& key);

// A revision's life: created pending; then deployed, failed or interrupted
// (its operation died); a deployed revision becomes superseded when a later
// one is deployed. Only a pending revision changes status at a caller's
// request, so a worker that lost its operation cannot overwrite the verdict.
enum class RevisionStatus { kPending, kDeployed, kFailed, kSuperseded, kInterrupted };
std::string_view to_string(RevisionStatus status);
std::optional<RevisionStatus> parse_revision_status(std::string_view text);

// Strong type: an operation id is easy to mix up with a revision number.
struct OperationId {
  std::int64_t value = 0;
  auto operator<=>(const OperationId&) const = default;
};

// A revision without its (possibly large) content: what history lists.
struct RevisionInfo {
  ReleaseKey key;
  int revision = 0;  // 1, 2, ... per release
  std::string app;
  std::string app_version;
  RevisionStatus status = RevisionStatus::kPending;
  std::string user;           // who asked for it
  Timestamp created_at;
  std::optional<Timestamp> finished_at;  // when it left pending
  std::string message;        // the user's note ("raise memory to 2Gi", "rollback to 3")
  std::string status_detail;  // why the status is what it is ("pod web-1: CrashLoopBackOff ...")
  std::optional<OperationId> operation;  // the operation that made it
};

struct Revision : RevisionInfo {
  nlohmann::json values;  // with secret fields already sealed by the caller (secret_fields.h)
  std::string manifests;  // the rendered YAML stream
};

struct NewRevision {
  ReleaseKey key;
  std::string app;
  std::string app_version;
  nlohmann::json values = nlohmann::json::object();
  std::string manifests;
  std::string user;
  std::string message;
  // When set, it must be the operation holding the release (else kConflict):
  // a worker whose lease was taken over cannot add revisions.
  std::optional<OperationId> operation;
};

// ---- operations --------------------------------------------------------------

// running -> succeeded | failed | interrupted (its lease lapsed, or the server
// stopped it).
enum class OperationStatus { kRunning, kSucceeded, kFailed, kInterrupted };
std::string_view to_string(OperationStatus status);
std::optional<OperationStatus> parse_operation_status(std::string_view text);

// One change of a release in progress (install, upgrade, rollback, ...). At
// most one runs per release, across every process sharing the database; its
// holder keeps it with heartbeats before `lease_expires_at`.
struct Operation {
  OperationId id;
  ReleaseKey key;
  std::string kind;    // "install", "upgrade", "rollback", ...
  std::string user;    // on whose behalf
  std::string holder;  // the process doing the work, e.g. "pier-7f9c/4242"
  OperationStatus status = OperationStatus::kRunning;
  Timestamp started_at;
  Timestamp lease_expires_at;  // meaningful while running
  std::optional<Timestamp> finished_at;
  std::string message;         // how it ended
  std::int64_t last_event_seq = 0;
};

struct NewOperation {
  ReleaseKey key;
  std::string kind;
  std::string user;
  std::string holder;
  std::chrono::milliseconds lease_ttl{30'000};  // each heartbeat extends the lease by this
};

// One release as listings show it: its latest revision, which revision is
// live, and the operation running on it if any. `latest.revision` is also the
// number of revisions.
struct ReleaseSummary {
  RevisionInfo latest;
  int deployed_revision = 0;  // the revision that is live; 0 when none is
  std::optional<Operation> active_operation;
};

// A progress event of an operation, numbered 1, 2, ... per operation.
struct Event {
  std::int64_t seq = 0;
  Timestamp at;
  nlohmann::json data;
};

// ---- listing -------------------------------------------------------------------

// Empty fields match everything. `search` is a case-insensitive substring of
// the release name.
struct ReleaseFilter {
  std::string cluster;
  std::string namespace_name;
  std::string app;
  std::optional<RevisionStatus> status;  // of the latest revision
  std::string search;
};

// Keyset pagination: `after` is the `next` cursor of the previous page (opaque).
struct PageRequest {
  int limit = 50;  // 1..1000; 0 means 50
  std::string after;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::string next;  // empty on the last page
};

// ---- presets -------------------------------------------------------------------

// A preset's name is unique within its app and team; team "" holds the
// presets every team of the app sees.
struct PresetKey {
  std::string app;
  std::string team;
  std::string name;
  auto operator<=>(const PresetKey&) const = default;
};

struct Preset {
  PresetKey key;
  std::string description;
  nlohmann::json values = nlohmann::json::object();  // secrets sealed by the caller
  std::string updated_by;
  Timestamp created_at;  // set by the store
  Timestamp updated_at;  // set by the store
};

enum class IfExists { kFail, kReplace };

// ---- users and tokens ------------------------------------------------------------

enum class Role { kViewer, kDeployer, kAdmin };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// `scopes` are patterns the server matches releases against: "cluster" or
// "cluster/namespace", where `*` stands for any text ("prod-*/shop", "*").
struct User {
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> scopes;
  Timestamp created_at;  // set by the store
};

// kInvalidInput for an empty name or a scope that is empty, has blanks or more than one '/'.
Result<void> validate(const User& user);

struct TokenInfo {
  std::int64_t id = 0;
  std::string user;
  std::string prefix;  // the first characters of the token, to recognise it in listings
  std::string description;
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;  // updated at most once a minute
  std::optional<Timestamp> revoked_at;
};

struct NewToken {
  TokenInfo info;
  std::string plaintext;  // shown once; only its SHA-256 is stored
};

// Who a request comes from, once its token is authenticated.
struct Principal {
  std::string user;
  Role role = Role::kViewer;
  std::vector<std::string> scopes;
  std::int64_t token_id = 0;
};

// ---- audit log ---------------------------------------------------------------------

struct NewAuditEntry {
  std::string user;
  std::string action;  // "release.upgrade", "preset.delete", "token.create", ...
  std::string target;  // "prod-eu/shop/web", "jetty/team-a/large", ...
  nlohmann::json details = nlohmann::json::object();  // already masked by the caller
};

struct AuditEntry {
  std::int64_t id = 0;
  Timestamp at;
  std::string user;
  std::string action;
  std::string target;
  nlohmann::json details;
};

// Empty fields match everything; times bound `at` as [since, until).
struct AuditFilter {
  std::string user;
  std::string action;
  std::string target;
  std::optional<Timestamp> since;
  std::optional<Timestamp> until;
};

}  // namespace pier::store
