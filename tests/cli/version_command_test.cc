#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run_pier.h"

namespace pier::cli {
namespace {

using testing::run_pier;

TEST(VersionCommand, PrintsVersionAndSchema) {
  auto r = run_pier("version");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.starts_with("pier 0.1.0 (commit ")) << r.out;
  EXPECT_NE(r.out.find("Kubernetes API schema v1.35.0"), std::string::npos) << r.out;
}

TEST(VersionCommand, Json) {
  auto r = run_pier("version --json");
  ASSERT_EQ(r.status, 0);
  auto v = nlohmann::json::parse(r.out);
  EXPECT_EQ(v["version"], "0.1.0");
  EXPECT_EQ(v["kubernetesSchema"], "v1.35.0");
}

TEST(Help, ListsSubcommands) {
  auto r = run_pier("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* name : {"render", "catalog", "version"}) EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

TEST(Help, NoSubcommandIsAUsageError) {
  auto r = run_pier("");
  EXPECT_EQ(r.status, 2);
  auto unknown = run_pier("frobnicate");
  EXPECT_EQ(unknown.status, 2);
}

}  // namespace
}  // namespace pier::cli
