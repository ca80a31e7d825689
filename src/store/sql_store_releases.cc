// Releases and revisions: numbering, status changes, reads and listing.
#include <algorithm>
#include <cctype>

#include "store/cursor.h"
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

std::string revision_name(const ReleaseKey& key, int revision) {
  return "release " + key.to_string() + " revision " + std::to_string(revision);
}

// A LIKE pattern matching `text` anywhere, its wildcards escaped with '\'.
std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return pattern + "%";
}

Result<Revision> read_revision(const sql::Row& row) {
  Revision revision;
  static_cast<RevisionInfo&>(revision) = rows::read_revision_info(row);
  auto values = rows::parse_json(row.text(rows::kRevisionInfoWidth),
                                 revision_name(revision.key, revision.revision) + " values");
  if (!values) return fail(values.error());
  revision.values = std::move(*values);
  revision.manifests = row.text(rows::kRevisionInfoWidth + 1);
  return revision;
}

}  // namespace

Result<RevisionInfo> SqlStore::create_revision(const NewRevision& in) {
  if (auto valid = validate(in.key); !valid) return fail(valid.error());
  if (in.app.empty()) return fail(Error::invalid("release " + in.key.to_string() + ": a revision needs an app"));
  auto values = rows::json_text(in.values, "release " + in.key.to_string() + " values");
  if (!values) return fail(values.error());
  const std::int64_t now = now_ms();

  return sql::transact<RevisionInfo>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<RevisionInfo> {
    auto release = ensure_release(s, in.key);
    if (!release) return fail(release.error());
    if (in.operation && release->active_operation_id != in.operation->value) {
      auto op = load_operation(s, *in.operation);
      if (!op) return fail(op.error());
      return fail(Error::make(ErrorCode::kConflict, "operation " + std::to_string(in.operation->value) +
                                                        " does not hold release " + in.key.to_string() + " (it is " +
                                                        std::string(to_string(op->status)) + ")"));
    }
    auto numbered = s.query("UPDATE releases SET latest_revision = latest_revision + 1 WHERE id = $1 "
                            "RETURNING latest_revision",
                            {release->id});
    if (!numbered) return fail(numbered.error());
    const int revision = static_cast<int>(numbered->at(0).integer(0));
    auto inserted = s.execute(
        "INSERT INTO revisions (release_id, revision, app, app_version, values_json, manifests, status, user_name, "
        "created_ms, message, operation_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10)",
        {release->id, std::int64_t(revision), in.app, in.app_version, *values, in.manifests, in.user, now, in.message,
         in.operation ? sql::Param(in.operation->value) : sql::Param(nullptr)});
    if (!inserted) return fail(inserted.error());
    if (auto refreshed = refresh_summary(s, release->id); !refreshed) return fail(refreshed.error());

    RevisionInfo info;
    info.key = in.key;
    info.revision = revision;
    info.app = in.app;
    info.app_version = in.app_version;
    info.status = RevisionStatus::kPending;
    info.user = in.user;
    info.created_at = rows::from_ms(now);
    info.message = in.message;
    info.operation = in.operation;
    return info;
  });
}

Result<RevisionInfo> SqlStore::update_revision_status(const ReleaseKey& key, int revision, RevisionStatus status,
                                                      std::string_view status_detail) {
  if (status == RevisionStatus::kPending)
    return fail(Error::invalid(revision_name(key, revision) + ": cannot be set back to pending"));
  const std::int64_t now = now_ms();

  return sql::transact<RevisionInfo>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<RevisionInfo> {
    auto release = find_release(s, key);
    if (!release) return fail(release.error());
    if (!*release) return fail(Error::not_found("release " + key.to_string() + " not found"));
    const std::int64_t release_id = (*release)->id;
    auto current = s.query("SELECT status FROM revisions WHERE release_id = $1 AND revision = $2",
                           {release_id, std::int64_t(revision)});
    if (!current) return fail(current.error());
    if (current->empty()) return fail(Error::not_found(revision_name(key, revision) + " not found"));
    const std::string& was = current->front().text(0);
    const std::string_view wanted = to_string(status);
    if (was != to_string(RevisionStatus::kPending) && was != wanted)
      return fail(Error::make(ErrorCode::kConflict, revision_name(key, revision) + " is already " + was +
                                                        ", it cannot become " + std::string(wanted)));
    if (was == to_string(RevisionStatus::kPending)) {
      if (status == RevisionStatus::kDeployed) {
        // One live revision per release: the one it replaces is superseded.
        auto superseded = s.execute(
            "UPDATE revisions SET status = 'superseded' WHERE release_id = $1 AND status = 'deployed' AND revision <> $2",
            {release_id, std::int64_t(revision)});
        if (!superseded) return fail(superseded.error());
      }
      auto updated = s.execute(
          "UPDATE revisions SET status = $1, status_detail = $2, finished_ms = $3 WHERE release_id = $4 AND revision = $5",
          {wanted, status_detail, now, release_id, std::int64_t(revision)});
      if (!updated) return fail(updated.error());
      if (auto refreshed = refresh_summary(s, release_id); !refreshed) return fail(refreshed.error());
    }
    auto row = s.query("SELECT " + std::string(rows::kRevisionInfoColumns) +
                           " FROM revisions v JOIN releases r ON r.id = v.release_id"
                           " WHERE v.release_id = $1 AND v.revision = $2",
                       {release_id, std::int64_t(revision)});
    if (!row) return fail(row.error());
    return rows::read_revision_info(row->at(0));
  });
}

Result<Revision> SqlStore::get_revision(const ReleaseKey& key, int revision) {
  return sql::transact<Revision>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Revision> {
    auto found = s.query("SELECT " + std::string(rows::kRevisionInfoColumns) + ", " +
                             std::string(rows::kRevisionContentColumns) +
                             " FROM revisions v JOIN releases r ON r.id = v.release_id"
                             " WHERE r.cluster = $1 AND r.namespace_name = $2 AND r.name = $3 AND v.revision = $4",
                         {key.cluster, key.namespace_name, key.name, std::int64_t(revision)});
    if (!found) return fail(found.error());
    if (found->empty()) return fail(Error::not_found(revision_name(key, revision) + " not found"));
    return read_revision(found->front());
  });
}

Result<Revision> SqlStore::latest(const ReleaseKey& key) {
  return sql::transact<Revision>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Revision> {
    auto found = s.query("SELECT " + std::string(rows::kRevisionInfoColumns) + ", " +
                             std::string(rows::kRevisionContentColumns) +
                             " FROM releases r JOIN revisions v ON v.release_id = r.id AND v.revision = r.latest_revision"
                             " WHERE r.cluster = $1 AND r.namespace_name = $2 AND r.name = $3",
                         {key.cluster, key.namespace_name, key.name});
    if (!found) return fail(found.error());
    if (found->empty()) return fail(Error::not_found("release " + key.to_string() + " not found"));
    return read_revision(found->front());
  });
}

Result<std::vector<RevisionInfo>> SqlStore::history(const ReleaseKey& key) {
  using Infos = std::vector<RevisionInfo>;
  return sql::transact<Infos>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Infos> {
    auto found = s.query("SELECT " + std::string(rows::kRevisionInfoColumns) +
                             " FROM revisions v JOIN releases r ON r.id = v.release_id"
                             " WHERE r.cluster = $1 AND r.namespace_name = $2 AND r.name = $3"
                             " ORDER BY v.revision DESC",
                         {key.cluster, key.namespace_name, key.name});
    if (!found) return fail(found.error());
    if (found->empty()) return fail(Error::not_found("release " + key.to_string() + " not found"));
    Infos infos;
    infos.reserve(found->size());
    for (const auto& row : *found) infos.push_back(rows::read_revision_info(row));
    return infos;
  });
}

Result<ReleaseSummary> SqlStore::get_release(const ReleaseKey& key) {
  return sql::transact<ReleaseSummary>(*db_, Access::kRead, [&](sql::Session& s) -> Result<ReleaseSummary> {
    auto found = s.query(std::string(rows::kSummaryFrom) +
                             " WHERE r.cluster = $1 AND r.namespace_name = $2 AND r.name = $3 AND r.latest_revision > 0",
                         {key.cluster, key.namespace_name, key.name});
    if (!found) return fail(found.error());
    if (found->empty()) return fail(Error::not_found("release " + key.to_string() + " not found"));
    return rows::read_summary(found->front());
  });
}

Result<Page<ReleaseSummary>> SqlStore::list_releases(const ReleaseFilter& filter, const PageRequest& page) {
  auto limit = page_limit(page);
  if (!limit) return fail(limit.error());
  std::optional<ReleaseKey> after;
  if (!page.after.empty()) {
    auto decoded = decode_release_cursor(page.after);
    if (!decoded) return fail(decoded.error());
    after = std::move(*decoded);
  }

  // The filters present become conditions, each with its own parameter; the
  // few shapes this makes are each prepared once per connection.
  std::string text = std::string(rows::kSummaryFrom) + " WHERE r.latest_revision > 0";
  std::vector<sql::Param> params;
  auto placeholder = [&](sql::Param value) {
    params.push_back(value);
    return "$" + std::to_string(params.size());
  };
  if (!filter.cluster.empty()) text += " AND r.cluster = " + placeholder(filter.cluster);
  if (!filter.namespace_name.empty()) text += " AND r.namespace_name = " + placeholder(filter.namespace_name);
  if (!filter.app.empty()) text += " AND r.app = " + placeholder(filter.app);
  if (filter.status) text += " AND r.status = " + placeholder(to_string(*filter.status));
  const std::string pattern = contains_pattern(filter.search);
  if (!filter.search.empty()) text += " AND lower(r.name) LIKE " + placeholder(pattern) + " ESCAPE '\\'";
  if (after) {
    text += " AND (r.cluster, r.namespace_name, r.name) > (" + placeholder(after->cluster) + ", " +
            placeholder(after->namespace_name) + ", " + placeholder(after->name) + ")";
  }
  // One more than asked: whether it exists says if there is a next page.
  text += " ORDER BY r.cluster, r.namespace_name, r.name LIMIT " + placeholder(std::int64_t(*limit + 1));

  using SummaryPage = Page<ReleaseSummary>;
  return sql::transact<SummaryPage>(*db_, Access::kRead, [&](sql::Session& s) -> Result<SummaryPage> {
    auto found = s.query(text, params);
    if (!found) return fail(found.error());
    SummaryPage out;
    const size_t wanted = static_cast<size_t>(*limit);
    out.items.reserve(std::min(found->size(), wanted));
    for (size_t i = 0; i < found->size() && i < wanted; ++i) out.items.push_back(rows::read_summary((*found)[i]));
    if (found->size() > wanted) out.next = encode_release_cursor(out.items.back().latest.key);
    return out;
  });
}

}  // namespace pier::store
