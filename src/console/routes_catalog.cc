// /apps, /apps/{app}, /apps/{app}/defaults, /apps/{app}/presets[/{preset}].
#include "catalog/render.h"
#include "console/api_json.h"
#include "console/routes.h"
#include "console/stored_secrets.h"
#include "store/secret_fields.h"

namespace pier::console {

using nlohmann::json;
using server::Access;
using server::Request;
using server::Response;
using server::Role;

namespace {

json app_summary(const catalog::App& app) {
  return {{"name", app.name}, {"version", app.version}, {"description", app.description}, {"keywords", app.keywords}};
}

json bundled_preset_json(const catalog::App& app, const std::string& name, const json& values) {
  return {{"name", name}, {"team", ""}, {"description", ""}, {"values", store::mask_secret_values(values, app.schema)},
          {"bundled", true}};
}

std::string team_of(const Request& request) { return std::string(request.query_value("team").value_or("")); }

}  // namespace

void add_catalog_routes(server::Router& router, ConsoleServices& services) {
  const Access viewer = Access::at_least(Role::kViewer);
  const Access deployer = Access::at_least(Role::kDeployer);

  router.get(api("/apps"), [&services](const Request&) {
    json out = json::array();
    for (const auto& app : services.apps.apps()) out.push_back(app_summary(*app));
    return Response::json(200, out);
  }, viewer);

  router.get(api("/apps/{app}"), [&services](const Request& request) {
    auto app = services.apps.require(request.param("app"));
    if (!app) return Response::error(app.error());
    json out = app_summary(**app);
    out["schema"] = (*app)->schema;
    out["ui"] = (*app)->ui.is_null() ? json::object() : (*app)->ui;
    json presets = json::array();
    for (const auto& [name, values] : (*app)->presets) presets.push_back(name);
    out["presets"] = std::move(presets);
    return Response::json(200, out);
  }, viewer);

  router.post(api("/apps/{app}/defaults"), [&services](const Request& request) {
    auto body = request.json_body();
    if (!body) return Response::error(body.error(), 400);
    if (!body->is_object()) return Response::error(400, "body: expected a JSON object with preset and values");
    DefaultsQuery query{.app = std::string(request.param("app"))};
    std::vector<ErrorDetail> problems;
    auto text = [&](const char* field, std::string& out) {
      auto it = body->find(field);
      if (it == body->end() || it->is_null()) return false;
      if (!it->is_string()) {
        problems.push_back({std::string("/") + field, "expected a string"});
        return false;
      }
      out = it->get<std::string>();
      return true;
    };
    std::string preset;
    if (text("preset", preset)) query.preset = preset;
    text("team", query.team);
    text("release", query.release_name);
    text("namespace", query.namespace_name);
    query.values = body->value("values", json::object());
    if (!query.values.is_object()) problems.push_back({"/values", "expected an object"});
    if (auto validate = body->find("validate"); validate != body->end()) {
      if (validate->is_boolean()) query.validate = validate->get<bool>();
      else problems.push_back({"/validate", "expected true or false"});
    }
    if (!problems.empty()) return Response::error(422, "the defaults request is not valid", problems);
    auto resolved = services.releases.resolve_values(query);
    if (!resolved) return Response::error(resolved.error());
    return Response::json(200, *resolved);
  }, viewer);

  router.get(api("/apps/{app}/presets"), [&services](const Request& request) {
    auto app = services.apps.require(request.param("app"));
    if (!app) return Response::error(app.error());
    json out = json::array();
    for (const auto& [name, values] : (*app)->presets) out.push_back(bundled_preset_json(**app, name, values));
    auto team = request.query_value("team");
    auto saved = services.store.list_presets((*app)->name, team ? std::optional<std::string>(*team) : std::nullopt);
    if (!saved) return Response::error(saved.error());
    for (const auto& preset : *saved)
      out.push_back(preset_json(preset, store::mask_secret_values(preset.values, (*app)->schema)));
    return Response::json(200, out);
  }, viewer);

  router.get(api("/apps/{app}/presets/{preset}"), [&services](const Request& request) {
    auto app = services.apps.require(request.param("app"));
    if (!app) return Response::error(app.error());
    std::string name(request.param("preset"));
    auto saved = services.store.get_preset({(*app)->name, team_of(request), name});
    if (saved) return Response::json(200, preset_json(*saved, store::mask_secret_values(saved->values, (*app)->schema)));
    if (saved.error().code != ErrorCode::kNotFound) return Response::error(saved.error());
    if (auto bundled = (*app)->presets.find(name); bundled != (*app)->presets.end())
      return Response::json(200, bundled_preset_json(**app, name, bundled->second));
    return Response::error(Error::not_found("no preset \"" + name + "\" for app " + (*app)->name));
  }, viewer);

  router.put(api("/apps/{app}/presets/{preset}"), [&services](const Request& request) {
    auto app = services.apps.require(request.param("app"));
    if (!app) return Response::error(app.error());
    auto body = request.json_body();
    if (!body) return Response::error(body.error(), 400);
    if (!body->is_object() || !body->value("values", json()).is_object())
      return Response::error(422, "the preset is not valid", {{"/values", "required: an object of values"}});
    std::string name(request.param("preset"));
    if ((*app)->presets.contains(name))
      return Response::error(409, "\"" + name + "\" is a bundled preset of " + (*app)->name + ": choose another name");
    std::string team = body->value("team", "");
    store::PresetKey key{(*app)->name, team, name};

    // "********" keeps a secret of the preset being replaced.
    json previous;
    if (auto existing = services.store.get_preset(key)) {
      if (auto opened = store::open_secret_values(existing->values, (*app)->schema, services.box)) previous = *opened;
    }
    auto values = keep_hidden_secrets((*body)["values"], previous.is_null() ? nullptr : &previous, (*app)->schema);
    if (!values) return Response::error(values.error());
    // A preset must give valid values on its own (defaults resolved), as a deploy with it would.
    if (auto resolved = services.releases.resolve_values({.app = (*app)->name, .values = *values}); !resolved)
      return Response::error(resolved.error());

    auto sealed = store::seal_secret_values(*values, (*app)->schema, services.box);
    if (!sealed) return Response::error(sealed.error());
    store::Preset preset{.key = key, .description = body->value("description", ""), .values = std::move(*sealed),
                         .updated_by = user_of(request)};
    auto saved = services.store.save_preset(preset, store::IfExists::kReplace);
    if (!saved) return Response::error(saved.error());
    json shown = store::mask_secret_values(saved->values, (*app)->schema);
    services.store.append_audit({.user = user_of(request), .action = "preset.save",
                                 .target = key.app + "/" + (key.team.empty() ? "-" : key.team) + "/" + key.name,
                                 .details = {{"values", shown}}});
    return Response::json(200, preset_json(*saved, shown));
  }, deployer);

  router.remove(api("/apps/{app}/presets/{preset}"), [&services](const Request& request) {
    auto app = services.apps.require(request.param("app"));
    if (!app) return Response::error(app.error());
    store::PresetKey key{(*app)->name, team_of(request), std::string(request.param("preset"))};
    if (auto deleted = services.store.delete_preset(key); !deleted) return Response::error(deleted.error());
    services.store.append_audit({.user = user_of(request), .action = "preset.delete",
                                 .target = key.app + "/" + (key.team.empty() ? "-" : key.team) + "/" + key.name});
    return Response::no_content();
  }, deployer);
}

}  // namespace pier::console
