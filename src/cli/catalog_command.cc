#include <iostream>

#include "catalog/app.h"
#include "catalog/lint.h"
#include "cli/catalog_location.h"
#include "cli/commands.h"

namespace pier::cli {

namespace {

int run_lint(const std::string& dir_option) {
  std::filesystem::path dir = dir_option.empty() ? default_catalog_dir() : std::filesystem::path(dir_option);
  auto reports = catalog::lint_catalog(dir, openapi::Schema::builtin());
  if (!reports) return report_error(reports.error());
  size_t problems = 0;
  for (const auto& report : *reports) {
    if (report.ok()) {
      std::cout << "ok    " << report.app << ":";
      for (const auto& c : report.checked) std::cout << " " << c << (&c == &report.checked.back() ? "" : ",");
      std::cout << "\n";
      continue;
    }
    std::cout << "FAIL  " << report.app << ": " << report.problems.size()
              << (report.problems.size() == 1 ? " problem\n" : " problems\n");
    for (const auto& p : report.problems)
      std::cout << "      " << (p.location.empty() ? "" : p.location + ": ") << p.message << "\n";
    problems += report.problems.size();
  }
  if (problems > 0) {
    std::cerr << "pier: catalog lint found " << problems << (problems == 1 ? " problem\n" : " problems\n");
    return 2;
  }
  return 0;
}

int run_list(const std::string& dir_option) {
  std::filesystem::path dir = dir_option.empty() ? default_catalog_dir() : std::filesystem::path(dir_option);
  auto apps = catalog::list_apps(dir);
  if (!apps) return report_error(apps.error());
  for (const auto& path : *apps) {
    auto app = catalog::load_app(path);
    if (!app) {
      std::cout << path.filename().string() << "\t(broken: run pier catalog lint)\n";
      continue;
    }
    std::cout << app->name << "\t" << app->version << "\t" << app->description << "\n";
  }
  return 0;
}

}  // namespace

Action setup_catalog(CLI::App& app) {
  app.require_subcommand(1);
  auto lint_dir = std::make_shared<std::string>();
  auto* lint = app.add_subcommand("lint", "Check every app: schema, ui.json, templates, and that samples and presets render to valid objects");
  lint->add_option("dir", *lint_dir, "Catalog folder or one app's folder (default: the catalog)");
  lint->footer("Exit status: 0 all apps pass; 2 problems found (each listed with file and JSON pointer or line:column).");
  auto list_dir = std::make_shared<std::string>();
  auto* list = app.add_subcommand("list", "List the catalog's apps with their versions");
  list->add_option("dir", *list_dir, "Catalog folder (default: the catalog)");
  return [lint, lint_dir, list, list_dir] {
    if (lint->parsed()) return run_lint(*lint_dir);
    if (list->parsed()) return run_list(*list_dir);
    return 2;
  };
}

}  // namespace pier::cli
