// The audit log: append-only, listed newest first with keyset pages on its id.
#include "store/cursor.h"
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

constexpr std::string_view kAuditColumns =
    "SELECT id, at_ms, user_name, action, target, details_json FROM audit_log WHERE 1 = 1";

Result<AuditEntry> read_entry(const sql::Row& row) {
  AuditEntry entry;
  entry.id = row.integer(0);
  entry.at = rows::from_ms(row.integer(1));
  entry.user = row.text(2);
  entry.action = row.text(3);
  entry.target = row.text(4);
  auto details = rows::parse_json(row.text(5), "audit entry " + std::to_string(entry.id));
  if (!details) return fail(details.error());
  entry.details = std::move(*details);
  return entry;
}

}  // namespace

Result<AuditEntry> SqlStore::append_audit(const NewAuditEntry& in) {
  if (in.action.empty()) return fail(Error::invalid("audit entry: the action is empty"));
  auto details = rows::json_text(in.details, "audit entry details");
  if (!details) return fail(details.error());
  const std::int64_t now = now_ms();
  return sql::transact<AuditEntry>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<AuditEntry> {
    auto inserted = s.query(
        "INSERT INTO audit_log (at_ms, user_name, action, target, details_json) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        {now, in.user, in.action, in.target, *details});
    if (!inserted) return fail(inserted.error());
    return AuditEntry{inserted->at(0).integer(0), rows::from_ms(now), in.user, in.action, in.target, in.details};
  });
}

Result<Page<AuditEntry>> SqlStore::list_audit(const AuditFilter& filter, const PageRequest& page) {
  auto limit = page_limit(page);
  if (!limit) return fail(limit.error());
  std::optional<std::int64_t> before;
  if (!page.after.empty()) {
    auto decoded = decode_id_cursor(page.after);
    if (!decoded) return fail(decoded.error());
    before = *decoded;
  }
  std::string text(kAuditColumns);
  std::vector<sql::Param> params;
  auto placeholder = [&](sql::Param value) {
    params.push_back(value);
    return "$" + std::to_string(params.size());
  };
  if (!filter.user.empty()) text += " AND user_name = " + placeholder(filter.user);
  if (!filter.action.empty()) text += " AND action = " + placeholder(filter.action);
  if (!filter.target.empty()) text += " AND target = " + placeholder(filter.target);
  if (filter.since) text += " AND at_ms >= " + placeholder(rows::to_ms(*filter.since));
  if (filter.until) text += " AND at_ms < " + placeholder(rows::to_ms(*filter.until));
  if (before) text += " AND id < " + placeholder(*before);
  text += " ORDER BY id DESC LIMIT " + placeholder(std::int64_t(*limit + 1));

  using AuditPage = Page<AuditEntry>;
  return sql::transact<AuditPage>(*db_, Access::kRead, [&](sql::Session& s) -> Result<AuditPage> {
    auto found = s.query(text, params);
    if (!found) return fail(found.error());
    AuditPage out;
    const size_t wanted = static_cast<size_t>(*limit);
    for (size_t i = 0; i < found->size() && i < wanted; ++i) {
      auto entry = read_entry((*found)[i]);
      if (!entry) return fail(entry.error());
      out.items.push_back(std::move(*entry));
    }
    if (found->size() > wanted) out.next = encode_id_cursor(out.items.back().id);
    return out;
  });
}

}  // namespace pier::store
