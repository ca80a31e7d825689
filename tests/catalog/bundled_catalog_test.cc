// The bundled catalog: every app lints clean, and every sample renders to
// exactly its golden file (tests/catalog/golden/<app>/<sample>.yaml).
// After an intended change, regenerate with PIER_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "catalog/app.h"
#include "catalog/lint.h"
#include "catalog/render.h"
#include "manifest/manifest_writer.h"

namespace pier::catalog {
namespace {

namespace fs = std::filesystem;

const fs::path kCatalog = fs::path(PIER_SOURCE_DIR) / "catalog";
const fs::path kGolden = fs::path(PIER_SOURCE_DIR) / "tests" / "catalog" / "golden";

TEST(BundledCatalog, HasTheThreeApps) {
  auto apps = list_apps(kCatalog);
  ASSERT_TRUE(apps);
  std::vector<std::string> names;
  for (const auto& a : *apps) names.push_back(a.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"jetty", "nginx-ingress", "redis"}));
}

TEST(BundledCatalog, EveryAppLintsClean) {
  auto reports = lint_catalog(kCatalog, openapi::Schema::builtin());
  ASSERT_TRUE(reports) << reports.error().describe();
  for (const auto& r : *reports) {
    std::string problems;
    for (const auto& p : r.problems) problems += "\n  " + p.location + ": " + p.message;
    EXPECT_TRUE(r.ok()) << r.app << problems;
    EXPECT_FALSE(r.checked.empty()) << r.app;
  }
}

TEST(BundledCatalog, SamplesMatchGoldenFiles) {
  const bool update = std::getenv("PIER_UPDATE_GOLDEN") != nullptr;
  auto apps = list_apps(kCatalog);
  ASSERT_TRUE(apps);
  int compared = 0;
  for (const auto& dir : *apps) {
    auto app = load_app(fs::relative(dir, PIER_SOURCE_DIR));
    ASSERT_TRUE(app) << app.error().describe();
    for (const auto& [name, values] : app->samples) {
      RenderRequest request;
      request.release_name = app->name;
      request.namespace_name = "demo";
      request.values.push_back(values);
      auto rendered = render_release(*app, request, openapi::Schema::builtin());
      ASSERT_TRUE(rendered) << app->name << "/" << name << ": " << rendered.error().describe();
      std::string text = manifest::format_objects(rendered->objects, manifest::OutputFormat::kYaml);
      fs::path golden = kGolden / app->name / (name + ".yaml");
      if (update) {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden) << text;
      }
      std::ifstream in(golden);
      ASSERT_TRUE(in) << "missing golden file " << golden << " (run with PIER_UPDATE_GOLDEN=1)";
      std::stringstream expected;
      expected << in.rdbuf();
      EXPECT_EQ(text, expected.str()) << "golden mismatch for " << golden;
      ++compared;
    }
  }
  EXPECT_GE(compared, 3);
}

}  // namespace
}  // namespace pier::catalog
