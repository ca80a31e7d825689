// Users and their API tokens (kept as SHA-256 hashes only).
#include "store/api_token.h"
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

// last_used_at is a hint for admins ("unused for 90 days"), not an audit
// trail: writing it on every request would turn each read into a write.
constexpr std::int64_t kLastUsedResolutionMs = 60'000;

constexpr std::string_view kUserColumns = "SELECT name, role, scopes_json, created_ms FROM users";
constexpr std::string_view kTokenColumns =
    "SELECT t.id, u.name, t.prefix, t.description, t.created_ms, t.last_used_ms, t.revoked_ms "
    "FROM tokens t JOIN users u ON u.id = t.user_id";

Result<std::vector<std::string>> read_scopes(const std::string& text, const std::string& user) {
  auto scopes = rows::parse_json(text, "user " + user + " scopes");
  if (!scopes) return fail(scopes.error());
  std::vector<std::string> out;
  if (!scopes->is_array()) return fail(Error::internal("user " + user + " scopes: not a list"));
  for (const auto& scope : *scopes)
    if (scope.is_string()) out.push_back(scope.get<std::string>());
  return out;
}

Result<User> read_user(const sql::Row& row) {
  User user;
  user.name = row.text(0);
  user.role = parse_role(row.text(1)).value_or(Role::kViewer);
  auto scopes = read_scopes(row.text(2), user.name);
  if (!scopes) return fail(scopes.error());
  user.scopes = std::move(*scopes);
  user.created_at = rows::from_ms(row.integer(3));
  return user;
}

TokenInfo read_token(const sql::Row& row) {
  TokenInfo info;
  info.id = row.integer(0);
  info.user = row.text(1);
  info.prefix = row.text(2);
  info.description = row.text(3);
  info.created_at = rows::from_ms(row.integer(4));
  if (auto used = row.optional_integer(5)) info.last_used_at = rows::from_ms(*used);
  if (auto revoked = row.optional_integer(6)) info.revoked_at = rows::from_ms(*revoked);
  return info;
}

Result<User> select_user(sql::Session& s, std::string_view name) {
  auto found = s.query(std::string(kUserColumns) + " WHERE name = $1", {name});
  if (!found) return fail(found.error());
  if (found->empty()) return fail(Error::not_found("user " + std::string(name) + " not found"));
  return read_user(found->front());
}

Result<std::string> scopes_text(const User& user) {
  return rows::json_text(nlohmann::json(user.scopes), "user " + user.name + " scopes");
}

Error denied() { return Error::make(ErrorCode::kDenied, "invalid or revoked token"); }

}  // namespace

Result<User> SqlStore::create_user(const User& user) {
  if (auto valid = validate(user); !valid) return fail(valid.error());
  auto scopes = scopes_text(user);
  if (!scopes) return fail(scopes.error());
  const std::int64_t now = now_ms();
  return sql::transact<User>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<User> {
    auto inserted = s.execute("INSERT INTO users (name, role, scopes_json, created_ms) VALUES ($1, $2, $3, $4)",
                              {user.name, to_string(user.role), *scopes, now});
    if (!inserted) {
      if (inserted.error().code == ErrorCode::kConflict)
        return fail(Error::make(ErrorCode::kConflict, "user " + user.name + " already exists"));
      return fail(inserted.error());
    }
    return select_user(s, user.name);
  });
}

Result<User> SqlStore::update_user(const User& user) {
  if (auto valid = validate(user); !valid) return fail(valid.error());
  auto scopes = scopes_text(user);
  if (!scopes) return fail(scopes.error());
  return sql::transact<User>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<User> {
    auto updated = s.execute("UPDATE users SET role = $1, scopes_json = $2 WHERE name = $3",
                             {to_string(user.role), *scopes, user.name});
    if (!updated) return fail(updated.error());
    if (*updated == 0) return fail(Error::not_found("user " + user.name + " not found"));
    return select_user(s, user.name);
  });
}

Result<User> SqlStore::get_user(std::string_view name) {
  return sql::transact<User>(*db_, Access::kRead, [&](sql::Session& s) { return select_user(s, name); });
}

Result<std::vector<User>> SqlStore::list_users() {
  using Users = std::vector<User>;
  return sql::transact<Users>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Users> {
    auto found = s.query(std::string(kUserColumns) + " ORDER BY name", {});
    if (!found) return fail(found.error());
    Users out;
    for (const auto& row : *found) {
      auto user = read_user(row);
      if (!user) return fail(user.error());
      out.push_back(std::move(*user));
    }
    return out;
  });
}

Result<void> SqlStore::delete_user(std::string_view name) {
  return db_->run(Access::kWrite, [&](sql::Session& s) -> Result<void> {
    auto deleted = s.execute("DELETE FROM users WHERE name = $1", {name});
    if (!deleted) return fail(deleted.error());
    if (*deleted == 0) return fail(Error::not_found("user " + std::string(name) + " not found"));
    return {};
  });
}

Result<NewToken> SqlStore::create_token(std::string_view user, std::string_view description) {
  auto token = generate_api_token();
  if (!token) return fail(token.error());
  const std::string hash = api_token_hash(*token);
  const std::string prefix = api_token_prefix(*token);
  const std::int64_t now = now_ms();
  auto info = sql::transact<TokenInfo>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<TokenInfo> {
    auto owner = s.query("SELECT id FROM users WHERE name = $1", {user});
    if (!owner) return fail(owner.error());
    if (owner->empty()) return fail(Error::not_found("user " + std::string(user) + " not found"));
    auto inserted = s.query(
        "INSERT INTO tokens (user_id, token_hash, prefix, description, created_ms) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id",
        {owner->front().integer(0), hash, prefix, description, now});
    if (!inserted) return fail(inserted.error());
    TokenInfo made;
    made.id = inserted->at(0).integer(0);
    made.user = std::string(user);
    made.prefix = prefix;
    made.description = std::string(description);
    made.created_at = rows::from_ms(now);
    return made;
  });
  if (!info) return fail(info.error());
  return NewToken{std::move(*info), std::move(*token)};
}

Result<Principal> SqlStore::authenticate(std::string_view token) {
  if (!looks_like_api_token(token)) return fail(denied());
  const std::string hash = api_token_hash(token);
  const std::int64_t now = now_ms();
  struct Found {
    Principal principal;
    bool stale_last_used = false;
  };
  auto found = sql::transact<Found>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Found> {
    auto rows = s.query(
        "SELECT t.id, t.revoked_ms, t.last_used_ms, u.name, u.role, u.scopes_json "
        "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        {hash});
    if (!rows) return fail(rows.error());
    if (rows->empty() || !rows->front().is_null(1)) return fail(denied());
    const auto& row = rows->front();
    Found out;
    out.principal.token_id = row.integer(0);
    out.principal.user = row.text(3);
    out.principal.role = parse_role(row.text(4)).value_or(Role::kViewer);
    auto scopes = read_scopes(row.text(5), out.principal.user);
    if (!scopes) return fail(scopes.error());
    out.principal.scopes = std::move(*scopes);
    auto used = row.optional_integer(2);
    out.stale_last_used = !used || now - *used >= kLastUsedResolutionMs;
    return out;
  });
  if (!found) return fail(found.error());
  if (found->stale_last_used) {
    // Best effort: a busy database must not turn a valid token away.
    (void)db_->run(Access::kWrite, [&](sql::Session& s) -> Result<void> {
      auto updated = s.execute("UPDATE tokens SET last_used_ms = $1 WHERE id = $2", {now, found->principal.token_id});
      if (!updated) return fail(updated.error());
      return {};
    });
  }
  return std::move(found->principal);
}

Result<void> SqlStore::revoke_token(std::int64_t token_id) {
  const std::int64_t now = now_ms();
  return db_->run(Access::kWrite, [&](sql::Session& s) -> Result<void> {
    // Revoking twice keeps the first time.
    auto updated = s.execute("UPDATE tokens SET revoked_ms = COALESCE(revoked_ms, $1) WHERE id = $2", {now, token_id});
    if (!updated) return fail(updated.error());
    if (*updated == 0) return fail(Error::not_found("token " + std::to_string(token_id) + " not found"));
    return {};
  });
}

Result<std::vector<TokenInfo>> SqlStore::list_tokens(std::optional<std::string> user) {
  using Tokens = std::vector<TokenInfo>;
  return sql::transact<Tokens>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Tokens> {
    auto found = user ? s.query(std::string(kTokenColumns) + " WHERE u.name = $1 ORDER BY t.id DESC", {*user})
                      : s.query(std::string(kTokenColumns) + " ORDER BY t.id DESC", {});
    if (!found) return fail(found.error());
    Tokens out;
    for (const auto& row : *found) out.push_back(read_token(row));
    return out;
  });
}

}  // namespace pier::store
