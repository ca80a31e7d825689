#include "catalog/app.h"

#include <algorithm>
#include <regex>

#include "common/files.h"
#include "yamljson/json_parse.h"
#include "yamljson/yaml_to_json.h"

namespace pier::catalog {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool is_dns_label(const std::string& s) {
  static const std::regex pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return s.size() <= 63 && std::regex_match(s, pattern);
}

Result<json> read_json(const fs::path& path, const std::string& display) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return yamljson::parse_json(*text, display);
}

// Files with `extension` directly in `dir`, sorted by name; none when `dir` is absent.
Result<std::vector<fs::path>> files_in(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto& path = it->path();
    if (it->is_regular_file() && path.filename().string().ends_with(extension)) files.push_back(path);
  }
  if (ec) return fail(Error::io(dir.string() + ": cannot list: " + ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> required_string(const json& doc, const char* key, const std::string& file) {
  auto it = doc.find(key);
  if (it == doc.end()) return fail(Error::invalid(file + ": missing required field \"" + key + "\""));
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    return fail(Error::invalid(file + ": \"" + key + "\" must be a non-empty string"));
  return it->get<std::string>();
}

Result<std::map<std::string, json>> load_values_folder(const App& app, const std::string& folder) {
  std::map<std::string, json> out;
  auto files = files_in(app.dir / folder, ".json");
  if (!files) return fail(files.error());
  for (const auto& path : *files) {
    std::string display = app.file(folder + "/" + path.filename().string());
    auto doc = read_json(path, display);
    if (!doc) return fail(doc.error());
    if (!doc->is_object()) return fail(Error::invalid(display + ": expected a JSON object of values"));
    out.emplace(path.stem().string(), std::move(*doc));
  }
  return out;
}

}  // namespace

std::string App::file(const std::string& relative) const { return (dir / relative).string(); }

Result<App> load_app(const fs::path& dir) {
  App app;
  app.dir = dir.lexically_normal();
  if (app.dir.filename().empty()) app.dir = app.dir.parent_path();
  if (!fs::is_directory(app.dir)) return fail(Error::not_found(dir.string() + ": no such app folder"));

  // app.yaml
  std::string manifest_file = app.file("app.yaml");
  auto manifest_text = read_file(app.dir / "app.yaml");
  if (!manifest_text) return fail(manifest_text.error());
  auto manifest = yamljson::parse_yaml(*manifest_text, manifest_file);
  if (!manifest) return fail(manifest.error());
  if (!manifest->is_object()) return fail(Error::invalid(manifest_file + ": expected a mapping with name, version, description"));
  auto name = required_string(*manifest, "name", manifest_file);
  if (!name) return fail(name.error());
  auto version = required_string(*manifest, "version", manifest_file);
  if (!version) return fail(version.error());
  app.name = *name;
  app.version = *version;
  if (!is_dns_label(app.name))
    return fail(Error::invalid(manifest_file + ": name \"" + app.name + "\" must be a DNS-1123 label (lower case letters, digits, '-')"));
  if (app.name != app.dir.filename().string())
    return fail(Error::invalid(manifest_file + ": name \"" + app.name + "\" must match the folder name \"" +
                               app.dir.filename().string() + "\""));
  if (auto d = manifest->find("description"); d != manifest->end()) {
    if (!d->is_string()) return fail(Error::invalid(manifest_file + ": \"description\" must be a string"));
    app.description = d->get<std::string>();
  }
  if (auto k = manifest->find("keywords"); k != manifest->end()) {
    if (!k->is_array()) return fail(Error::invalid(manifest_file + ": \"keywords\" must be a list of strings"));
    for (const auto& w : *k) {
      if (!w.is_string()) return fail(Error::invalid(manifest_file + ": \"keywords\" must be a list of strings"));
      app.keywords.push_back(w.get<std::string>());
    }
  }

  // schema.json
  std::string schema_file = app.file("schema.json");
  auto schema = read_json(app.dir / "schema.json", schema_file);
  if (!schema) return fail(schema.error());
  if (!schema->is_object()) return fail(Error::invalid(schema_file + ": expected a JSON Schema object"));
  app.schema = std::move(*schema);
  if (auto props = app.schema.find("properties"); props != app.schema.end() && props->is_object())
    for (const char* reserved : kReservedNames)
      if (props->contains(reserved))
        return fail(Error::invalid(schema_file + "#/properties/" + reserved + ": \"" + reserved +
                                   "\" is reserved for the template context (release, app)"));
  auto validator = ValuesValidator::compile(app.schema, schema_file);
  if (!validator) return fail(validator.error());
  app.validator = std::move(*validator);
  auto defaults = DefaultsPlan::compile(app.schema, schema_file);
  if (!defaults) return fail(defaults.error());
  app.defaults = std::move(*defaults);

  // ui.json (optional)
  if (fs::exists(app.dir / "ui.json")) {
    auto ui = read_json(app.dir / "ui.json", app.file("ui.json"));
    if (!ui) return fail(ui.error());
    if (!ui->is_object()) return fail(Error::invalid(app.file("ui.json") + ": expected a uiSchema object"));
    app.ui = std::move(*ui);
  }

  // templates
  auto template_files = files_in(app.dir / "templates", ".yaml.j2");
  if (!template_files) return fail(template_files.error());
  if (template_files->empty())
    return fail(Error::invalid(app.file("templates") + ": no templates (*.yaml.j2) found"));
  for (const auto& path : *template_files) {
    std::string display = app.file("templates/" + path.filename().string());
    auto text = read_file(path);
    if (!text) return fail(text.error());
    auto compiled = tmpl::Template::compile(*text, display);
    if (!compiled) return fail(compiled.error());
    std::string name = "templates/" + path.filename().string();
    app.templates.push_back({name, display, app.name + "/" + name, std::move(*compiled)});
  }

  auto presets = load_values_folder(app, "presets");
  if (!presets) return fail(presets.error());
  app.presets = std::move(*presets);
  auto samples = load_values_folder(app, "samples");
  if (!samples) return fail(samples.error());
  app.samples = std::move(*samples);
  return app;
}

Result<std::vector<fs::path>> list_apps(const fs::path& catalog_dir) {
  std::error_code ec;
  if (!fs::is_directory(catalog_dir, ec))
    return fail(Error::not_found(catalog_dir.string() + ": no such catalog folder"));
  std::vector<fs::path> apps;
  for (auto it = fs::directory_iterator(catalog_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_directory() && fs::exists(it->path() / "app.yaml")) apps.push_back(it->path());
  if (ec) return fail(Error::io(catalog_dir.string() + ": cannot list: " + ec.message()));
  std::sort(apps.begin(), apps.end());
  return apps;
}

}  // namespace pier::catalog
