#include <gtest/gtest.h>

#include "run_pier.h"

namespace pier::cli {
namespace {

using testing::run_pier;
namespace fs = std::filesystem;

TEST(CatalogCommand, LintOfTheBundledCatalogPasses) {
  auto r = run_pier("catalog lint");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  for (const char* app : {"ok    jetty:", "ok    nginx-ingress:", "ok    redis:"}) EXPECT_NE(r.out.find(app), std::string::npos) << r.out;
}

TEST(CatalogCommand, LintReportsProblemsAndExits2) {
  auto root = fs::temp_directory_path() / ("pier-lint-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  fs::copy(PIER_SOURCE_DIR "/catalog/jetty", root / "jetty", fs::copy_options::recursive);
  std::ofstream(root / "jetty" / "presets" / "broken.json") << "{\"global\": {\"org\": \"x\", \"registry\": \"docker.io\"}}";
  auto r = run_pier("catalog lint " + root.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("FAIL  jetty"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("presets/broken.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/global/registry"), std::string::npos) << r.out;
  fs::remove_all(root);
}

TEST(CatalogCommand, LintOfAMissingFolder) { EXPECT_EQ(run_pier("catalog lint /nonexistent/pier").status, 2); }

TEST(CatalogCommand, List) {
  auto r = run_pier("catalog list");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("jetty\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("redis\t"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pier::cli
