#include "console/app_catalog.h"

#include "common/suggest.h"

namespace pier::console {

Result<AppCatalog> AppCatalog::load(const std::filesystem::path& catalog_dir) {
  auto dirs = catalog::list_apps(catalog_dir);
  if (!dirs) return fail(dirs.error());
  AppCatalog result;
  for (const auto& dir : *dirs) {
    auto app = catalog::load_app(dir);
    if (!app) return fail(app.error());
    result.apps_.push_back(std::make_unique<catalog::App>(std::move(*app)));
  }
  return result;
}

const catalog::App* AppCatalog::find(std::string_view name) const {
  for (const auto& app : apps_)
    if (app->name == name) return app.get();
  return nullptr;
}

Result<const catalog::App*> AppCatalog::require(std::string_view name) const {
  if (const catalog::App* app = find(name)) return app;
  std::vector<std::string_view> names;
  for (const auto& app : apps_) names.push_back(app->name);
  std::string message = "no app \"" + std::string(name) + "\" in the catalog";
  if (auto close = closest_name(name, names)) message += "; did you mean \"" + *close + "\"?";
  return fail(Error::not_found(std::move(message)));
}

}  // namespace pier::console
