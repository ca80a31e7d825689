#include "manifest/manifest_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pier::manifest {
namespace {

using nlohmann::json;

std::vector<SourcedObject> objects() {
  return {{json::parse(R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})"), "a", "demo/templates/a.yaml.j2"},
          {json::parse(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}})"), "b",
           "demo/templates/b.yaml.j2"}};
}

TEST(ManifestWriter, YamlStreamWithSources) {
  EXPECT_EQ(format_objects(objects(), OutputFormat::kYaml),
            "---\n# Source: demo/templates/a.yaml.j2\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
            "---\n# Source: demo/templates/b.yaml.j2\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n");
}

TEST(ManifestWriter, JsonList) {
  json list = json::parse(format_objects(objects(), OutputFormat::kJson));
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][1]["kind"], "Service");
}

TEST(ManifestWriter, FileNamesKeepApplyOrder) {
  auto o = objects();
  EXPECT_EQ(object_file_name(0, 2, o[0].object, OutputFormat::kYaml), "00-namespace-shop.yaml");
  EXPECT_EQ(object_file_name(1, 2, o[1].object, OutputFormat::kJson), "01-service-shop-web.json");
  EXPECT_EQ(object_file_name(7, 120, o[1].object, OutputFormat::kYaml), "007-service-shop-web.yaml");
}

TEST(ManifestWriter, WritesOneFilePerObject) {
  auto dir = std::filesystem::temp_directory_path() / ("pier-writer-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto written = write_objects_to_dir(objects(), OutputFormat::kYaml, dir / "out");
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_EQ(written->size(), 2u);
  std::ifstream in(dir / "out" / "01-service-shop-web.yaml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "# Source: demo/templates/b.yaml.j2\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n");
  int files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "out")) ++files;
  EXPECT_EQ(files, 2);  // no temporaries left behind
  std::filesystem::remove_all(dir);
}

TEST(ManifestWriter, RefusesAFileWhereTheFolderShouldBe) {
  auto path = std::filesystem::temp_directory_path() / ("pier-writer-file-" + std::to_string(::getpid()));
  std::ofstream(path) << "x";
  auto written = write_objects_to_dir(objects(), OutputFormat::kYaml, path);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("not a directory"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace pier::manifest
