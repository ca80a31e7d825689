#include "catalog/lint.h"

#include "catalog/app.h"
#include "catalog/render.h"
#include "catalog/schema_lint.h"
#include "manifest/names.h"

namespace pier::catalog {

namespace fs = std::filesystem;

namespace {

void add_error(LintReport& report, const std::string& context, const Error& error) {
  if (error.details.empty()) {
    report.problems.push_back({context, error.message});
    return;
  }
  for (const auto& d : error.details)
    report.problems.push_back({context, error.message + ": " + (d.location.empty() ? "" : d.location + ": ") + d.message});
}

void try_render(const App& app, LintReport& report, const std::string& label, std::optional<std::string> preset,
                const nlohmann::json* values, const openapi::Schema& schema) {
  RenderRequest request;
  request.release_name = app.name;
  request.namespace_name = "lint";
  request.preset = std::move(preset);
  if (values) request.values.push_back(*values);
  auto rendered = render_release(app, request, schema);
  if (!rendered) {
    add_error(report, app.file(label), rendered.error());
    return;
  }
  if (rendered->objects.empty()) {
    report.problems.push_back({app.file(label), "renders no objects"});
    return;
  }
  report.checked.push_back(label + " (" + std::to_string(rendered->objects.size()) + " objects)");
}

}  // namespace

LintReport lint_app(const fs::path& app_dir, const openapi::Schema& schema) {
  LintReport report;
  report.app = app_dir.lexically_normal().filename().string();
  if (report.app.empty()) report.app = app_dir.lexically_normal().parent_path().filename().string();
  auto app = load_app(app_dir);
  if (!app) {
    add_error(report, "", app.error());
    return report;
  }
  for (auto& p : lint_schema(app->schema, app->file("schema.json"))) report.problems.push_back(std::move(p));
  if (!app->ui.is_null())
    for (auto& p : lint_ui(app->ui, app->schema, app->file("ui.json"))) report.problems.push_back(std::move(p));
  if (!manifest::is_label_value(app->version))
    report.problems.push_back({app->file("app.yaml"), "version \"" + app->version +
                                                          "\" cannot be a label value (at most 63 of [-_.A-Za-z0-9])"});
  if (app->samples.empty())
    report.problems.push_back({app->file("samples"), "no samples: lint and tests need at least one samples/*.json"});
  if (!report.problems.empty()) return report;  // rendering would repeat the same problems

  for (const auto& [name, values] : app->samples)
    try_render(*app, report, "samples/" + name + ".json", std::nullopt, &values, schema);
  const nlohmann::json* first_sample = app->samples.empty() ? nullptr : &app->samples.begin()->second;
  for (const auto& [name, _] : app->presets)
    try_render(*app, report, "presets/" + name + ".json", name, first_sample, schema);
  return report;
}

Result<std::vector<LintReport>> lint_catalog(const fs::path& dir, const openapi::Schema& schema) {
  std::vector<LintReport> reports;
  if (fs::exists(dir / "app.yaml")) {
    reports.push_back(lint_app(dir, schema));
    return reports;
  }
  auto apps = list_apps(dir);
  if (!apps) return fail(apps.error());
  if (apps->empty()) return fail(Error::not_found(dir.string() + ": no apps (folders with an app.yaml)"));
  for (const auto& app : *apps) reports.push_back(lint_app(app, schema));
  return reports;
}

}  // namespace pier::catalog
