// Presets: named values per app and team.
#include "store/sql_store.h"
#include "store/sql_store_rows.h"

namespace pier::store {

namespace {

using sql::Access;

constexpr std::string_view kPresetColumns =
    "SELECT app, team, name, description, values_json, updated_by, created_ms, updated_ms FROM presets";

std::string preset_name(const PresetKey& key) {
  return "preset " + key.app + "/" + (key.team.empty() ? std::string("(shared)") : key.team) + "/" + key.name;
}

Result<Preset> read_preset(const sql::Row& row) {
  Preset preset;
  preset.key = {row.text(0), row.text(1), row.text(2)};
  preset.description = row.text(3);
  auto values = rows::parse_json(row.text(4), preset_name(preset.key) + " values");
  if (!values) return fail(values.error());
  preset.values = std::move(*values);
  preset.updated_by = row.text(5);
  preset.created_at = rows::from_ms(row.integer(6));
  preset.updated_at = rows::from_ms(row.integer(7));
  return preset;
}

Result<Preset> select_preset(sql::Session& s, const PresetKey& key) {
  auto found = s.query(std::string(kPresetColumns) + " WHERE app = $1 AND team = $2 AND name = $3",
                       {key.app, key.team, key.name});
  if (!found) return fail(found.error());
  if (found->empty()) return fail(Error::not_found(preset_name(key) + " not found"));
  return read_preset(found->front());
}

}  // namespace

Result<Preset> SqlStore::save_preset(const Preset& preset, IfExists if_exists) {
  const PresetKey& key = preset.key;
  if (key.app.empty() || key.name.empty()) return fail(Error::invalid(preset_name(key) + ": app and name are required"));
  auto values = rows::json_text(preset.values, preset_name(key) + " values");
  if (!values) return fail(values.error());
  const std::int64_t now = now_ms();

  return sql::transact<Preset>(*db_, Access::kWrite, [&](sql::Session& s) -> Result<Preset> {
    // An upsert keeps created_ms; a plain insert lets the unique key refuse a taken name.
    std::string text =
        "INSERT INTO presets (app, team, name, description, values_json, updated_by, created_ms, updated_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    if (if_exists == IfExists::kReplace)
      text += " ON CONFLICT (app, team, name) DO UPDATE SET description = excluded.description, "
              "values_json = excluded.values_json, updated_by = excluded.updated_by, updated_ms = excluded.updated_ms";
    auto saved = s.execute(text, {key.app, key.team, key.name, preset.description, *values, preset.updated_by, now});
    if (!saved) {
      if (saved.error().code == ErrorCode::kConflict)
        return fail(Error::make(ErrorCode::kConflict, preset_name(key) + " already exists"));
      return fail(saved.error());
    }
    return select_preset(s, key);
  });
}

Result<Preset> SqlStore::get_preset(const PresetKey& key) {
  return sql::transact<Preset>(*db_, Access::kRead, [&](sql::Session& s) { return select_preset(s, key); });
}

Result<std::vector<Preset>> SqlStore::list_presets(std::string_view app, std::optional<std::string> team) {
  using Presets = std::vector<Preset>;
  return sql::transact<Presets>(*db_, Access::kRead, [&](sql::Session& s) -> Result<Presets> {
    auto found = team ? s.query(std::string(kPresetColumns) + " WHERE app = $1 AND team = $2 ORDER BY team, name",
                                {app, *team})
                      : s.query(std::string(kPresetColumns) + " WHERE app = $1 ORDER BY team, name", {app});
    if (!found) return fail(found.error());
    Presets out;
    for (const auto& row : *found) {
      auto preset = read_preset(row);
      if (!preset) return fail(preset.error());
      out.push_back(std::move(*preset));
    }
    return out;
  });
}

Result<void> SqlStore::delete_preset(const PresetKey& key) {
  return db_->run(Access::kWrite, [&](sql::Session& s) -> Result<void> {
    auto deleted = s.execute("DELETE FROM presets WHERE app = $1 AND team = $2 AND name = $3", {key.app, key.team, key.name});
    if (!deleted) return fail(deleted.error());
    if (*deleted == 0) return fail(Error::not_found(preset_name(key) + " not found"));
    return {};
  });
}

}  // namespace pier::store
