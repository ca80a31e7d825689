// open_store: from a --database value to a migrated, ready Store. The one
// place that lists the backends.
#include "store/migrations.h"
#include "store/postgres_database.h"
#include "store/sql_store.h"
#include "store/sqlite_database.h"
#include "store/store.h"
#include "store/store_url.h"

namespace pier::store {

Result<std::unique_ptr<Store>> open_store(std::string_view url, const StoreOptions& options) {
  auto target = parse_store_url(url);
  if (!target) return fail(target.error());

  Result<std::unique_ptr<sql::Database>> db;
  std::span<const Migration> migrations;
  switch (target->backend) {
    case Backend::kSqlite:
      db = open_sqlite_database(target->location,
                                {.max_connections = options.max_connections, .busy_timeout = options.busy_timeout});
      migrations = sqlite_migrations();
      break;
    case Backend::kPostgres:
      db = open_postgres_database(target->location, {.max_connections = options.max_connections,
                                                     .connect_timeout = options.connect_timeout});
      migrations = postgres_migrations();
      break;
  }
  if (!db) return fail(db.error());
  if (auto migrated = apply_migrations(**db, migrations); !migrated) return fail(migrated.error());
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*db), options));
}

}  // namespace pier::store
