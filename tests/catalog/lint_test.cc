#include "catalog/lint.h"

#include <gtest/gtest.h>

#include "temp_app.h"

namespace pier::catalog {
namespace {

using testing::TempApp;
using testing::write_demo_app;

TEST(Lint, CleanAppRendersEverySampleAndPreset) {
  TempApp t;
  write_demo_app(t);
  auto report = lint_app(t.dir(), openapi::Schema::builtin());
  EXPECT_TRUE(report.ok()) << report.problems[0].location << ": " << report.problems[0].message;
  EXPECT_EQ(report.checked, (std::vector<std::string>{"samples/default.json (2 objects)", "presets/default.json (2 objects)",
                                                      "presets/dev.json (2 objects)"}));
}

TEST(Lint, PresetThatBreaksTheSchemaIsReported) {
  TempApp t;
  write_demo_app(t);
  t.write("presets/bad.json", R"({"global": {"org": "xy", "registry": "docker.io"}, "web": {"replicas": 100}})");
  auto report = lint_app(t.dir(), openapi::Schema::builtin());
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].location, t.file("presets/bad.json"));
  EXPECT_NE(report.problems[0].message.find("/global/registry"), std::string::npos) << report.problems[0].message;
  EXPECT_NE(report.problems[1].message.find("/web/replicas"), std::string::npos) << report.problems[1].message;
}

TEST(Lint, SampleThatRendersAnInvalidObject) {
  TempApp t;
  write_demo_app(t);
  t.write("templates/20-svc.yaml.j2",
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: {{ release.namespace }}\nspec:\n  portz: []\n");
  auto report = lint_app(t.dir(), openapi::Schema::builtin());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.problems[0].message.find("spec.portz"), std::string::npos) << report.problems[0].message;
}

TEST(Lint, BrokenTemplateIsOneProblem) {
  TempApp t;
  write_demo_app(t);
  t.write("templates/20-x.yaml.j2", "{% if %}\n");
  auto report = lint_app(t.dir(), openapi::Schema::builtin());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(report.problems[0].message.starts_with(t.file("templates/20-x.yaml.j2") + ":1:")) << report.problems[0].message;
}

TEST(Lint, NoSamples) {
  TempApp t;
  write_demo_app(t);
  t.remove("samples/default.json");
  auto report = lint_app(t.dir(), openapi::Schema::builtin());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].message.find("no samples"), std::string::npos);
}

TEST(Lint, CatalogFolderOrOneApp) {
  TempApp t;
  write_demo_app(t);
  auto all = lint_catalog(t.root(), openapi::Schema::builtin());
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  auto one = lint_catalog(t.dir(), openapi::Schema::builtin());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
  EXPECT_FALSE(lint_catalog("/nonexistent/catalog", openapi::Schema::builtin()));
}

}  // namespace
}  // namespace pier::catalog
