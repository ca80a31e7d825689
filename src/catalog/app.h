// One catalog entry, loaded and compiled: `catalog/<app>/` with app.yaml,
// schema.json, templates/*.yaml.j2, ui.json, presets/*.json, samples/*.json
// (docs/catalog.md).
//
//   auto app = pier::catalog::load_app("catalog/jetty");
//   if (!app) { std::cerr << app.error().describe(); return 2; }
//   app->presets.at("default");
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/defaults.h"
#include "catalog/values_validator.h"
#include "common/error.h"
#include "template/template.h"

namespace pier::catalog {

struct TemplateFile {
  std::string name;     // "templates/deployment.yaml.j2", relative to the app's folder
  std::string display;  // "catalog/jetty/templates/deployment.yaml.j2", for messages
  std::string origin;   // "jetty/templates/deployment.yaml.j2", for output comments
  tmpl::Template compiled;
};

struct App {
  std::filesystem::path dir;
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> keywords;

  nlohmann::json schema;
  nlohmann::json ui;  // null when the app has no ui.json
  std::map<std::string, nlohmann::json> presets;  // by file name without .json
  std::map<std::string, nlohmann::json> samples;
  std::vector<TemplateFile> templates;  // in file-name order

  DefaultsPlan defaults;
  ValuesValidator validator;

  // "catalog/jetty/schema.json": how messages name the app's files.
  std::string file(const std::string& relative) const;
};

// Loads and compiles one app. The first problem found is the error: malformed
// JSON/YAML (file:line:column), a schema valijson rejects, a template that does
// not compile (file:line:column).
Result<App> load_app(const std::filesystem::path& dir);

// The app folders of a catalog (those with an app.yaml), sorted by name.
Result<std::vector<std::filesystem::path>> list_apps(const std::filesystem::path& catalog_dir);

// Names reserved for the template context; values may not use them at the top level.
inline constexpr const char* kReservedNames[] = {"release", "app"};

}  // namespace pier::catalog
