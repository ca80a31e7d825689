// `pier catalog lint`: everything that can be wrong with a catalog entry,
// found before a user meets it. The schema is valid draft-07 and fit for a
// form, ui.json names real fields, every template compiles, and every sample
// (over the default preset) and every preset (under the first sample)
// renders to valid Kubernetes objects.
//
//   auto report = lint_app("catalog/jetty", pier::openapi::Schema::builtin());
//   for (const auto& p : report.problems) std::cerr << p.location << ": " << p.message << "\n";
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "openapi/schema.h"

namespace pier::catalog {

struct LintReport {
  std::string app;                     // the folder name
  std::vector<std::string> checked;    // what rendered fine: "samples/default.json (9 objects)"
  std::vector<ErrorDetail> problems;
  bool ok() const { return problems.empty(); }
};

LintReport lint_app(const std::filesystem::path& app_dir, const openapi::Schema& schema);

// Lints every app of a catalog folder, or the one app when `dir` holds an app.yaml.
Result<std::vector<LintReport>> lint_catalog(const std::filesystem::path& dir, const openapi::Schema& schema);

}  // namespace pier::catalog
