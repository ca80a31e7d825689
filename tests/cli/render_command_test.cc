#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "run_pier.h"
#include "yamljson/yaml_to_json.h"

namespace pier::cli {
namespace {

using testing::run_pier;
namespace fs = std::filesystem;

const std::string kSample = "-f catalog/jetty/samples/default.json";

TEST(RenderCommand, RendersTheJettySample) {
  auto r = run_pier("render jetty " + kSample + " -n shop");
  ASSERT_EQ(r.status, 0) << r.err;
  auto docs = yamljson::parse_yaml_documents(r.out, "stdout");
  ASSERT_TRUE(docs) << docs.error().message;
  std::vector<std::string> kinds;
  for (const auto& d : *docs)
    if (d.value.is_object()) kinds.push_back(d.value["kind"]);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "Deployment"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "Service"), kinds.end());
  EXPECT_NE(r.out.find("# Source: jetty/templates/"), std::string::npos);
  EXPECT_NE(r.out.find("app.kubernetes.io/managed-by: pier"), std::string::npos);
}

TEST(RenderCommand, SameInputByteIdenticalOutput) {
  auto a = run_pier("render jetty " + kSample);
  auto b = run_pier("render jetty " + kSample);
  ASSERT_EQ(a.status, 0);
  EXPECT_EQ(a.out, b.out);
}

TEST(RenderCommand, JsonOutputIsAList) {
  auto r = run_pier("render jetty " + kSample + " -o json");
  ASSERT_EQ(r.status, 0) << r.err;
  auto list = nlohmann::json::parse(r.out);
  EXPECT_EQ(list["kind"], "List");
  EXPECT_GE(list["items"].size(), 4u);
}

TEST(RenderCommand, SetAndShowValues) {
  auto r = run_pier("render jetty " + kSample + " --set jetty.replicas=5 --show-values");
  ASSERT_EQ(r.status, 0) << r.err;
  auto values = nlohmann::json::parse(r.out);
  EXPECT_EQ(values["jetty"]["replicas"], 5);
}

TEST(RenderCommand, ValuesFromStdin) {
  auto r = run_pier("render jetty -f - --show-values", testing::slurp(PIER_SOURCE_DIR "/catalog/jetty/samples/default.json"));
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(RenderCommand, MalformedValuesFileExits2WithLineAndColumn) {
  auto path = fs::temp_directory_path() / ("pier-bad-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << "{\n  \"jetty\": {\"image\": \"x\",}\n}\n";
  auto r = run_pier("render jetty -f " + path.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(path.string() + ":2:"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  fs::remove(path);
}

TEST(RenderCommand, ValuesThatBreakTheSchemaListEveryProblem) {
  auto r = run_pier("render jetty " + kSample + " --set jetty.replicas=0 --set jetty.jvm_xmx=lots --set global.registry=docker.io");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/jetty/replicas"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/jetty/jvm_xmx"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/global/registry"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(RenderCommand, BadSetExpression) {
  auto r = run_pier("render jetty " + kSample + " --set jetty.replicas=many");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("expects an integer"), std::string::npos) << r.err;
}

TEST(RenderCommand, UnknownAppAndPreset) {
  EXPECT_EQ(run_pier("render nosuchapp").status, 2);
  auto r = run_pier("render jetty " + kSample + " --preset nosuch");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("has no preset \"nosuch\""), std::string::npos) << r.err;
}

TEST(RenderCommand, PasswordsNeverAppearInErrors) {
  auto r = run_pier("render redis -f catalog/redis/samples/default.json --set auth.password=hunter2");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
}

TEST(RenderCommand, OutputDirWritesOneFilePerObject) {
  auto dir = fs::temp_directory_path() / ("pier-out-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto r = run_pier("render jetty " + kSample + " --output-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  auto stream = run_pier("render jetty " + kSample);
  size_t documents = 0;
  for (size_t pos = 0; (pos = stream.out.find("---\n", pos)) != std::string::npos; pos += 4) ++documents;
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().extension(), ".yaml");
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos);
  }
  EXPECT_EQ(files, documents);
  fs::remove_all(dir);
}

TEST(RenderCommand, OutputDirUntouchedOnBadInput) {
  auto dir = fs::temp_directory_path() / ("pier-out-bad-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto r = run_pier("render jetty " + kSample + " --set jetty.replicas=0 --output-dir " + dir.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace pier::cli
