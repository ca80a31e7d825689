#include <iostream>
#include <iterator>

#include "catalog/app.h"
#include "catalog/render.h"
#include "cli/catalog_location.h"
#include "cli/commands.h"
#include "common/files.h"
#include "manifest/manifest_writer.h"
#include "yamljson/json_parse.h"

namespace pier::cli {

namespace {

struct RenderOptions {
  std::string app;
  std::vector<std::string> value_files;
  std::vector<std::string> set_values;
  std::string preset;
  bool no_preset = false;
  std::string release;
  std::string namespace_name = "default";
  std::string output = "yaml";
  std::string output_dir;
  std::string catalog;
  std::string openapi_file;
  bool show_values = false;
};

Result<nlohmann::json> read_values_file(const std::string& path) {
  if (path == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    // stdin has no extension: JSON first, YAML (a superset) when that fails.
    auto as_json = yamljson::parse_json(text, "<stdin>");
    if (as_json) return as_json;
    return yamljson::parse_json_or_yaml(text, "<stdin>.yaml");
  }
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return yamljson::parse_json_or_yaml(*text, path);
}

int run_render(const RenderOptions& o) {
  std::filesystem::path catalog_dir = o.catalog.empty() ? default_catalog_dir() : std::filesystem::path(o.catalog);
  auto app = catalog::load_app(app_dir(o.app, catalog_dir));
  if (!app) return report_error(app.error());

  catalog::RenderRequest request;
  request.release_name = o.release;
  request.namespace_name = o.namespace_name;
  if (o.no_preset) request.preset = "";
  else if (!o.preset.empty()) request.preset = o.preset;
  for (const auto& file : o.value_files) {
    auto values = read_values_file(file);
    if (!values) return report_error(values.error());
    request.values.push_back(std::move(*values));
  }
  request.set_values = o.set_values;

  std::optional<openapi::Schema> custom_schema;
  if (!o.openapi_file.empty()) {
    auto loaded = openapi::Schema::from_file(o.openapi_file);
    if (!loaded) return report_error(loaded.error());
    custom_schema = std::move(*loaded);
  }
  const openapi::Schema& schema = custom_schema ? *custom_schema : openapi::Schema::builtin();

  if (o.show_values) {
    auto values = catalog::resolve_values(*app, request);
    if (!values) return report_error(values.error());
    std::cout << values->dump(2) << "\n";
    return 0;
  }
  auto rendered = catalog::render_release(*app, request, schema);
  if (!rendered) return report_error(rendered.error());

  auto format = o.output == "json" ? manifest::OutputFormat::kJson : manifest::OutputFormat::kYaml;
  if (!o.output_dir.empty()) {
    auto written = manifest::write_objects_to_dir(rendered->objects, format, o.output_dir);
    if (!written) return report_error(written.error());
    for (const auto& path : *written) std::cerr << "wrote " << path.string() << "\n";
    return 0;
  }
  std::cout << manifest::format_objects(rendered->objects, format);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "pier: error: cannot write to standard output\n";
    return 1;
  }
  return 0;
}

}  // namespace

Action setup_render(CLI::App& app) {
  auto o = std::make_shared<RenderOptions>();
  app.add_option("app", o->app, "App name in the catalog, or a path to an app folder")->required();
  app.add_option("-f,--values", o->value_files, "Values file (JSON, or YAML by extension; - for stdin); repeatable, later wins");
  app.add_option("--set", o->set_values, "Set a value: path=value (jetty.replicas=3, a.list[0]=x), typed by the schema; repeatable");
  app.add_option("--preset", o->preset, "Preset (presets/NAME.json) the values layer over; default: \"default\" when the app has one");
  app.add_flag("--no-preset", o->no_preset, "Use no preset");
  app.add_option("--release", o->release, "Release name (app.kubernetes.io/instance); default: the app name");
  app.add_option("-n,--namespace", o->namespace_name, "Namespace of the release")->capture_default_str();
  app.add_option("-o,--output", o->output, "Output format")->check(CLI::IsMember({"yaml", "json"}))->capture_default_str();
  app.add_option("--output-dir", o->output_dir, "Write one file per object into this folder instead of stdout");
  app.add_option("--catalog", o->catalog, "Catalog folder (default: $PIER_CATALOG, ./catalog, or the installed one)");
  app.add_option("--openapi", o->openapi_file, "Validate against this OpenAPI v2 document (a cluster's /openapi/v2) instead of the built-in one");
  app.add_flag("--show-values", o->show_values, "Print the final values (defaults resolved, validated) instead of manifests");
  app.footer(
      "Exit status: 0 rendered; 2 bad input (malformed file, values that break the schema, invalid objects); 1 other failure.\n"
      "Example: pier render jetty -f catalog/jetty/samples/default.json --set jetty.replicas=3 -n shop");
  return [o] { return run_render(*o); };
}

}  // namespace pier::cli
