#include "catalog/app.h"

#include <gtest/gtest.h>

#include "temp_app.h"

namespace pier::catalog {
namespace {

using testing::TempApp;
using testing::write_demo_app;

TEST(LoadApp, LoadsEverything) {
  TempApp t;
  write_demo_app(t);
  t.write("ui.json", R"({"ui:order": ["web", "global"]})");
  auto app = load_app(t.dir());
  ASSERT_TRUE(app) << app.error().describe();
  EXPECT_EQ(app->name, "demo");
  EXPECT_EQ(app->version, "1.0.0");
  ASSERT_EQ(app->templates.size(), 2u);
  EXPECT_EQ(app->templates[0].name, "templates/00-config.yaml.j2");
  EXPECT_EQ(app->templates[1].name, "templates/10-deployment.yaml.j2");
  EXPECT_EQ(app->presets.size(), 2u);
  EXPECT_TRUE(app->presets.contains("dev"));
  EXPECT_EQ(app->samples.size(), 1u);
  EXPECT_TRUE(app->ui.is_object());
  EXPECT_GT(app->defaults.size(), 5u);
}

TEST(LoadApp, MalformedSchemaJsonNamesLineAndColumn) {
  TempApp t;
  write_demo_app(t);
  t.write("schema.json", "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"string\",}\n  }\n}\n");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(app.error().message.starts_with(t.file("schema.json") + ":4:")) << app.error().message;
}

TEST(LoadApp, MalformedAppYaml) {
  TempApp t;
  write_demo_app(t);
  t.write("app.yaml", "name: demo\nversion: [1\n");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_TRUE(app.error().message.starts_with(t.file("app.yaml") + ":")) << app.error().message;
}

TEST(LoadApp, NameMustMatchFolder) {
  TempApp t;
  write_demo_app(t);
  t.write("app.yaml", "name: other\nversion: 1.0.0\n");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("must match the folder name \"demo\""), std::string::npos);
}

TEST(LoadApp, MissingVersion) {
  TempApp t;
  write_demo_app(t);
  t.write("app.yaml", "name: demo\n");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().message, t.file("app.yaml") + ": missing required field \"version\"");
}

TEST(LoadApp, TemplateSyntaxErrorNamesFileLineColumn) {
  TempApp t;
  write_demo_app(t);
  t.write("templates/20-broken.yaml.j2", "kind: x\nname: {{ release.name \n");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_TRUE(app.error().message.starts_with(t.file("templates/20-broken.yaml.j2") + ":2:")) << app.error().message;
}

TEST(LoadApp, MalformedPreset) {
  TempApp t;
  write_demo_app(t);
  t.write("presets/bad.json", "{\"global\": }");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_TRUE(app.error().message.starts_with(t.file("presets/bad.json") + ":1:")) << app.error().message;
}

TEST(LoadApp, ReservedTopLevelNames) {
  TempApp t;
  write_demo_app(t);
  t.write("schema.json", R"({"type": "object", "properties": {"release": {"type": "object", "title": "R"}}})");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("\"release\" is reserved"), std::string::npos);
}

TEST(LoadApp, NoTemplates) {
  TempApp t;
  write_demo_app(t);
  t.remove("templates/00-config.yaml.j2");
  t.remove("templates/10-deployment.yaml.j2");
  auto app = load_app(t.dir());
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("no templates"), std::string::npos);
}

TEST(LoadApp, MissingFolder) {
  auto app = load_app("/nonexistent/pier/app");
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().code, ErrorCode::kNotFound);
}

TEST(ListApps, FindsFoldersWithAppYaml) {
  TempApp t;
  write_demo_app(t);
  std::filesystem::create_directories(t.root() / "not-an-app");
  auto apps = list_apps(t.root());
  ASSERT_TRUE(apps);
  ASSERT_EQ(apps->size(), 1u);
  EXPECT_EQ((*apps)[0].filename(), "demo");
}

}  // namespace
}  // namespace pier::catalog
