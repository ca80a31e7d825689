#include "common/files.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace pier {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pier-files-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(FilesTest, WritesAndReadsBack) {
  auto path = dir_ / "a.txt";
  ASSERT_TRUE(write_file_atomic(path, "hello\n"));
  auto text = read_file(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "hello\n");
}

TEST_F(FilesTest, ReplacesWholeFileAndLeavesNoTemporaries) {
  auto path = dir_ / "a.txt";
  ASSERT_TRUE(write_file_atomic(path, std::string(100000, 'x')));
  ASSERT_TRUE(write_file_atomic(path, "short"));
  EXPECT_EQ(*read_file(path), "short");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FilesTest, MissingFileIsNotFound) {
  auto text = read_file(dir_ / "missing.txt");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::kNotFound);
  EXPECT_NE(text.error().message.find("missing.txt"), std::string::npos);
}

TEST_F(FilesTest, WriteIntoMissingDirectoryFailsWithPath) {
  auto result = write_file_atomic(dir_ / "no" / "such" / "dir.txt", "x");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("dir.txt"), std::string::npos);
}

}  // namespace
}  // namespace pier
