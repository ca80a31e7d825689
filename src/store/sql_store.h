// The Store, written once over the SQL layer (sql.h) and run on SQLite or
// PostgreSQL: the backends differ only in their connections and schema
// migrations, and in that PostgreSQL locks the release row it decides on
// (SELECT ... FOR UPDATE) where SQLite's write transaction already excludes
// every other writer.
//
//   auto db = open_sqlite_database(path, {});
//   apply_migrations(**db, sqlite_migrations());
//   std::unique_ptr<Store> store = std::make_unique<SqlStore>(std::move(*db), options);
//
// Implementation by area: sql_store.cc (shared steps), sql_store_releases.cc,
// sql_store_operations.cc, sql_store_events.cc, sql_store_presets.cc,
// sql_store_users.cc, sql_store_audit.cc.
#pragma once

#include <memory>
#include <optional>

#include "store/event_notifier.h"
#include "store/sql.h"
#include "store/store.h"

namespace pier::store {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<sql::Database> db, const StoreOptions& options);

  Result<RevisionInfo> create_revision(const NewRevision& revision) override;
  Result<RevisionInfo> update_revision_status(const ReleaseKey& key, int revision, RevisionStatus status,
                                              std::string_view status_detail) override;
  Result<Revision> get_revision(const ReleaseKey& key, int revision) override;
  Result<Revision> latest(const ReleaseKey& key) override;
  Result<std::vector<RevisionInfo>> history(const ReleaseKey& key) override;
  Result<ReleaseSummary> get_release(const ReleaseKey& key) override;
  Result<Page<ReleaseSummary>> list_releases(const ReleaseFilter& filter, const PageRequest& page) override;

  Result<Operation> begin_operation(const NewOperation& operation) override;
  Result<Operation> heartbeat(OperationId id) override;
  Result<Operation> finish_operation(OperationId id, OperationStatus status, std::string_view message) override;
  Result<Operation> get_operation(OperationId id) override;
  Result<int> reap_expired() override;

  Result<std::int64_t> append_event(OperationId id, const nlohmann::json& event) override;
  Result<std::vector<Event>> events(OperationId id, std::int64_t after_seq) override;
  Result<std::vector<Event>> wait_for_events(OperationId id, std::int64_t after_seq,
                                             std::chrono::milliseconds timeout) override;

  Result<Preset> save_preset(const Preset& preset, IfExists if_exists) override;
  Result<Preset> get_preset(const PresetKey& key) override;
  Result<std::vector<Preset>> list_presets(std::string_view app, std::optional<std::string> team) override;
  Result<void> delete_preset(const PresetKey& key) override;

  Result<User> create_user(const User& user) override;
  Result<User> update_user(const User& user) override;
  Result<User> get_user(std::string_view name) override;
  Result<std::vector<User>> list_users() override;
  Result<void> delete_user(std::string_view name) override;
  Result<NewToken> create_token(std::string_view user, std::string_view description) override;
  Result<Principal> authenticate(std::string_view token) override;
  Result<void> revoke_token(std::int64_t token_id) override;
  Result<std::vector<TokenInfo>> list_tokens(std::optional<std::string> user) override;

  Result<AuditEntry> append_audit(const NewAuditEntry& entry) override;
  Result<Page<AuditEntry>> list_audit(const AuditFilter& filter, const PageRequest& page) override;

 private:
  // The releases row of a key, as the operation and revision steps need it.
  struct ReleaseRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> active_operation_id;
  };

  std::int64_t now_ms() const;
  // " FOR UPDATE" where row locks exist (PostgreSQL), else "".
  std::string_view for_update() const;

  // The release's row, locked for this transaction; nullopt when there is none.
  Result<std::optional<ReleaseRow>> find_release(sql::Session& s, const ReleaseKey& key) const;
  // The same, creating the row first when the release is new.
  Result<ReleaseRow> ensure_release(sql::Session& s, const ReleaseKey& key) const;
  Result<ReleaseRow> lock_release(sql::Session& s, std::int64_t release_id) const;
  // Copies the latest revision's summary and the deployed revision into the releases row.
  Result<void> refresh_summary(sql::Session& s, std::int64_t release_id) const;
  Result<Operation> load_operation(sql::Session& s, OperationId id) const;
  // Ends a running operation: its status and message, its pending revisions
  // settled, its release freed. With `only_if_lapsed`, only when its lease
  // has lapsed by `now_ms` (a heartbeat may just have renewed it). False when
  // it was not running (or not lapsed).
  Result<bool> end_operation(sql::Session& s, const Operation& op, std::int64_t release_id, OperationStatus status,
                             std::string_view message, std::int64_t now_ms, bool only_if_lapsed) const;
  Result<std::int64_t> release_id_of_operation(sql::Session& s, OperationId id) const;

  std::unique_ptr<sql::Database> db_;
  const Clock& clock_;
  const std::chrono::milliseconds event_poll_interval_;
  EventNotifier notifier_;
};

}  // namespace pier::store
