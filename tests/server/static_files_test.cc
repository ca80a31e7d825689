#include "server/static_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http_client.h"
#include "server_fixture.h"

namespace pier::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class StaticFilesTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("pier-static-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    root_ = base_ / "dist";
    write(root_ / "index.html", "<!doctype html><title>Pier</title>");
    write(root_ / "assets/index-4f3a2b1c.js", "console.log('pier')");
    write(root_ / "assets/index-Bq_K39aZ.css", "body{}");
    write(root_ / "logo.svg", "<svg/>");
    write(root_ / "favicon.ico", "ico");
    write(root_ / "docs/index.html", "docs");
    write(root_ / ".env", "SECRET=1");
    write(base_ / "outside/secret.txt", "outside the root");
    fs::create_symlink(base_ / "outside/secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(base_ / "outside", root_ / "escape");
    fs::create_symlink(root_ / "logo.svg", root_ / "inside-link.svg");  // a symlink within the root is fine

    auto files = StaticFiles::open({.root = root_});
    ASSERT_TRUE(files) << files.error().message;
    router_.get("/api/v1/ping", [](const Request&) { return Response::json(200, {{"pong", true}}); }, Access::anyone());
    router_.fallback(files->handler(), Access::anyone(), "static");
    start();
  }

  void TearDown() override {
    testing::ServerTest::TearDown();
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }

  testing::ClientResponse raw_get(const std::string& path) {
    testing::ClientRequest request;
    request.url = url(path);
    request.path_as_is = true;
    return testing::send(request);
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirTypes) {
  auto index = testing::get(url("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>Pier</title>");
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(testing::get(url("/assets/index-4f3a2b1c.js")).header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(testing::get(url("/assets/index-Bq_K39aZ.css")).header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(testing::get(url("/logo.svg")).header("content-type"), "image/svg+xml");
  EXPECT_EQ(testing::get(url("/favicon.ico")).header("content-type"), "image/x-icon");
  EXPECT_EQ(testing::get(url("/docs/")).body, "docs");
  EXPECT_EQ(testing::get(url("/inside-link.svg")).body, "<svg/>");
}

TEST_F(StaticFilesTest, SinglePageAppRoutesGetIndexButApiAndMissingAssetsDoNot) {
  auto spa = testing::get(url("/releases/dc1/shop/web"));
  EXPECT_EQ(spa.status, 200);
  EXPECT_EQ(spa.body, "<!doctype html><title>Pier</title>");
  EXPECT_EQ(spa.header("cache-control"), "no-cache");

  auto api = testing::get(url("/api/v1/nothing"));
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.header("content-type"), "application/json");
  EXPECT_EQ(testing::get(url("/api/v1/ping")).status, 200);

  EXPECT_EQ(testing::get(url("/assets/missing-12345678.js")).status, 404);
}

TEST_F(StaticFilesTest, TraversalAttemptsAreRefused) {
  for (const std::string path : {"/../etc/passwd", "/assets/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
                                 "/%2E%2E/%2E%2E/etc/passwd", "/assets/..%2f..%2foutside/secret.txt",
                                 "/..%5c..%5coutside/secret.txt", "/./index.html", "/assets%2findex-4f3a2b1c.js",
                                 "/index.html%00.js"}) {
    auto response = raw_get(path);
    EXPECT_TRUE(response.status == 400 || response.status == 404) << path << " -> " << response.status;
    EXPECT_THAT(response.body, Not(HasSubstr("outside the root"))) << path;
    EXPECT_THAT(response.body, Not(HasSubstr("root:"))) << path;
    EXPECT_THAT(response.body, Not(HasSubstr("<title>Pier"))) << path;
  }
}

TEST_F(StaticFilesTest, SymlinksOutOfTheRootAndHiddenFilesAreNotServed) {
  EXPECT_EQ(testing::get(url("/leak.txt")).status, 404);
  EXPECT_EQ(testing::get(url("/escape/secret.txt")).status, 404);
  auto hidden = testing::get(url("/.env"));
  EXPECT_EQ(hidden.status, 404);
  EXPECT_THAT(hidden.body, Not(HasSubstr("SECRET")));
}

TEST_F(StaticFilesTest, EtagRevalidationAndImmutableHashedAssets) {
  auto first = testing::get(url("/logo.svg"));
  std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(first.header("last-modified").empty());
  EXPECT_EQ(first.header("cache-control"), "no-cache");
  auto again = testing::get(url("/logo.svg"), {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(testing::get(url("/logo.svg"), {"If-None-Match: \"other\""}).status, 200);

  EXPECT_EQ(testing::get(url("/assets/index-4f3a2b1c.js")).header("cache-control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  testing::ClientRequest post;
  post.method = "POST";
  post.url = url("/index.html");
  post.body = "x";
  auto response = testing::send(post);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("allow"), "GET, HEAD");
}

TEST(StaticFilesHelpers, ContentTypesHashesDatesAndTags) {
  EXPECT_EQ(content_type_for("app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("data.bin"), "application/octet-stream");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
  EXPECT_TRUE(is_content_hashed_name("index-4f3a2b1c.js"));
  EXPECT_TRUE(is_content_hashed_name("vendor.9f8e7d6c5b.css"));
  EXPECT_FALSE(is_content_hashed_name("index.js"));
  EXPECT_FALSE(is_content_hashed_name("my-app.js"));
  EXPECT_EQ(format_http_date(std::chrono::system_clock::time_point(std::chrono::seconds(1795953600))),
            "Sun, 29 Nov 2026 12:00:00 GMT");
  EXPECT_TRUE(etag_matches("\"a\", W/\"b\"", "\"b\""));
  EXPECT_TRUE(etag_matches("*", "\"x\""));
  EXPECT_FALSE(etag_matches("\"a\"", "\"b\""));
}

TEST(StaticFilesOpen, AMissingRootIsNotFound) {
  auto files = StaticFiles::open({.root = "/no/such/dir"});
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace pier::server
