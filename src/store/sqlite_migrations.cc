// The SQLite schema, as migrations. Never edit a released migration: add one.
// Times are Unix milliseconds (UTC); JSON documents are stored as text.
#include "store/migrations.h"

namespace pier::store {

namespace {

constexpr std::string_view kInitialSchema = R"sql(
-- One row per release: its identity, the lock of its running operation, and a
-- copy of its latest revision's summary so listings read one row per release.
CREATE TABLE releases (
  id                  INTEGER PRIMARY KEY,
  cluster             TEXT NOT NULL,
  namespace_name      TEXT NOT NULL,
  name                TEXT NOT NULL,
  latest_revision     INTEGER NOT NULL DEFAULT 0,
  deployed_revision   INTEGER NOT NULL DEFAULT 0,
  app                 TEXT NOT NULL DEFAULT '',
  app_version         TEXT NOT NULL DEFAULT '',
  status              TEXT NOT NULL DEFAULT '',
  user_name           TEXT NOT NULL DEFAULT '',
  created_ms          INTEGER NOT NULL DEFAULT 0,
  finished_ms         INTEGER,
  message             TEXT NOT NULL DEFAULT '',
  status_detail       TEXT NOT NULL DEFAULT '',
  operation_id        INTEGER,
  active_operation_id INTEGER,
  UNIQUE (cluster, namespace_name, name)
);
-- Listing filters; each index ends in the listing order so a page is a range scan.
CREATE INDEX releases_by_namespace ON releases (namespace_name, cluster, name);
CREATE INDEX releases_by_app ON releases (app, cluster, namespace_name, name);
CREATE INDEX releases_by_status ON releases (status, cluster, namespace_name, name);

CREATE TABLE operations (
  id               INTEGER PRIMARY KEY,
  release_id       INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  kind             TEXT NOT NULL,
  user_name        TEXT NOT NULL,
  holder           TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  started_ms       INTEGER NOT NULL,
  lease_ttl_ms     INTEGER NOT NULL,
  lease_expires_ms INTEGER NOT NULL,
  finished_ms      INTEGER,
  message          TEXT NOT NULL DEFAULT '',
  last_event_seq   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX operations_by_release ON operations (release_id, id);
-- The reaper's question: which running operations have lapsed?
CREATE INDEX operations_running_by_lease ON operations (lease_expires_ms) WHERE status = 'running';

CREATE TABLE revisions (
  release_id    INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  revision      INTEGER NOT NULL,
  app           TEXT NOT NULL,
  app_version   TEXT NOT NULL,
  values_json   TEXT NOT NULL,
  manifests     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'deployed', 'failed', 'superseded', 'interrupted')),
  user_name     TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  finished_ms   INTEGER,
  message       TEXT NOT NULL DEFAULT '',
  status_detail TEXT NOT NULL DEFAULT '',
  operation_id  INTEGER REFERENCES operations (id),
  PRIMARY KEY (release_id, revision)
);
CREATE INDEX revisions_by_operation ON revisions (operation_id) WHERE operation_id IS NOT NULL;

CREATE TABLE events (
  operation_id INTEGER NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  created_ms   INTEGER NOT NULL,
  event_json   TEXT NOT NULL,
  PRIMARY KEY (operation_id, seq)
) WITHOUT ROWID;

CREATE TABLE presets (
  id          INTEGER PRIMARY KEY,
  app         TEXT NOT NULL,
  team        TEXT NOT NULL DEFAULT '',
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  values_json TEXT NOT NULL,
  updated_by  TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL,
  UNIQUE (app, team, name)
);

CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('viewer', 'deployer', 'admin')),
  scopes_json TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);

-- Tokens are kept as the SHA-256 of the token, never the token.
CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  prefix       TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  created_ms   INTEGER NOT NULL,
  last_used_ms INTEGER,
  revoked_ms   INTEGER
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at_ms        INTEGER NOT NULL,
  user_name    TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  details_json TEXT NOT NULL
);
CREATE INDEX audit_by_user ON audit_log (user_name, id);
CREATE INDEX audit_by_target ON audit_log (target, id);
CREATE INDEX audit_by_action ON audit_log (action, id);
)sql";

constexpr Migration kMigrations[] = {
    {1, "releases, revisions, operations, events, presets, users, tokens, audit log", kInitialSchema},
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

}  // namespace pier::store
