#include "console_client/values_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pier::console_client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class ValuesFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-values-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
  std::istringstream no_input_;
};

TEST(MergeValues, ObjectsMergeDeeplyAndEverythingElseIsReplaced) {
  json base = json::parse(R"({"jetty": {"replicas": 2, "image": {"name": "jetty", "tag": "9"}, "ports": [80, 443]},
                              "team": "shop", "extra": {"a": 1}})");
  json overlay = json::parse(R"({"jetty": {"replicas": 4, "image": {"tag": "10"}, "ports": [8080]},
                                 "extra": null, "new": {"b": true}})");
  EXPECT_EQ(merge_values(base, overlay), json::parse(R"({
      "jetty": {"replicas": 4, "image": {"name": "jetty", "tag": "10"}, "ports": [8080]},
      "team": "shop", "extra": null, "new": {"b": true}})"));
}

TEST(MergeValues, AnObjectReplacesAScalarAndTheOtherWayRound) {
  EXPECT_EQ(merge_values(json::parse(R"({"a": 1})"), json::parse(R"({"a": {"b": 2}})")),
            json::parse(R"({"a": {"b": 2}})"));
  EXPECT_EQ(merge_values(json::parse(R"({"a": {"b": 2}})"), json::parse(R"({"a": "x"})")),
            json::parse(R"({"a": "x"})"));
  EXPECT_EQ(merge_values(json::object(), json::object()), json::object());
}

TEST_F(ValuesFilesTest, LaterFilesWinJsonAndYamlAlike) {
  std::string base = write("base.yaml", "jetty:\n  replicas: 2\n  image: jetty:9\n# a comment\nteam: shop\n");
  std::string prod = write("prod.json", R"({"jetty": {"replicas": 4}})");
  std::string more = write("more.yml", "jetty:\n  jvm:\n    heap: 2g\n");
  auto values = load_values_files({base, prod, more}, no_input_);
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values,
            json::parse(R"({"jetty": {"replicas": 4, "image": "jetty:9", "jvm": {"heap": "2g"}}, "team": "shop"})"));
}

TEST_F(ValuesFilesTest, NoFilesIsAnEmptyObjectAndAnEmptyFileAddsNothing) {
  auto none = load_values_files({}, no_input_);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, json::object());
  auto empty = load_values_files({write("empty.yaml", "# nothing yet\n"), write("empty.json", "  \n")}, no_input_);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(*empty, json::object());
}

TEST_F(ValuesFilesTest, MalformedFilesAreReportedWithLineAndColumn) {
  std::string bad_yaml = write("bad.yaml", "jetty:\n  replicas: [1, 2\n");
  auto yaml = load_values_files({bad_yaml}, no_input_);
  ASSERT_FALSE(yaml);
  EXPECT_EQ(yaml.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(yaml.error().message, HasSubstr(bad_yaml + ":"));

  std::string bad_json = write("bad.json", "{\n  \"jetty\": {\"replicas\": 2,}\n}");
  auto json_error = load_values_files({bad_json}, no_input_);
  ASSERT_FALSE(json_error);
  EXPECT_THAT(json_error.error().message, HasSubstr(bad_json + ":2:"));
}

TEST_F(ValuesFilesTest, ValuesMustBeAnObject) {
  auto list = load_values_files({write("list.yaml", "- a\n- b\n")}, no_input_);
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().message, HasSubstr("values must be an object"));
  EXPECT_THAT(list.error().message, HasSubstr("array"));
}

TEST_F(ValuesFilesTest, AMissingFileIsNamed) {
  auto missing = load_values_files({(dir_ / "nope.yaml").string()}, no_input_);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("nope.yaml"));
  EXPECT_EQ(exit_code_for(missing.error()), 2);
}

TEST_F(ValuesFilesTest, StandardInputIsJsonOrYaml) {
  std::istringstream json_input(R"({"a": {"b": 1}})");
  auto from_json = load_values_files({"-"}, json_input);
  ASSERT_TRUE(from_json) << from_json.error().message;
  EXPECT_EQ(*from_json, json::parse(R"({"a": {"b": 1}})"));

  std::istringstream yaml_input("a:\n  c: 2\n");
  auto from_yaml = load_values_files({write("base.json", R"({"a": {"b": 1}})"), "-"}, yaml_input);
  ASSERT_TRUE(from_yaml) << from_yaml.error().message;
  EXPECT_EQ(*from_yaml, json::parse(R"({"a": {"b": 1, "c": 2}})"));
}

}  // namespace
}  // namespace pier::console_client
