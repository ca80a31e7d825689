// The tailer against real files in a temporary directory: start positions,
// partial lines, rename rotation with writes to the old file after the
// rename, copytruncate, resume, long lines, a file that appears later.
#include "nginx_metrics/log_tailer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace pier::nginx_metrics {
namespace {

namespace fs = std::filesystem;

class LogTailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pier-tail-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_ = dir_ / "access.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
  }
  std::vector<std::string> poll(LogTailer& tail, PollStats* stats = nullptr) {
    std::vector<std::string> lines;
    PollStats s = tail.poll([&](std::string_view line) { lines.emplace_back(line); });
    if (stats) *stats = s;
    return lines;
  }

  fs::path dir_, log_;
};

using Lines = std::vector<std::string>;

TEST_F(LogTailerTest, StartsAtTheEndOrTheBeginning) {
  append(log_, "old 1\nold 2\n");
  LogTailer from_end(log_, LogTailer::Start::kEnd);
  EXPECT_EQ(poll(from_end), Lines{});
  append(log_, "new 1\n");
  EXPECT_EQ(poll(from_end), (Lines{"new 1"}));
  LogTailer from_start(log_, LogTailer::Start::kBeginning);
  EXPECT_EQ(poll(from_start), (Lines{"old 1", "old 2", "new 1"}));
}

TEST_F(LogTailerTest, HoldsAPartialLineUntilItsNewline) {
  append(log_, "");
  LogTailer tail(log_, LogTailer::Start::kEnd);
  poll(tail);
  append(log_, "first\nsecond ha");
  EXPECT_EQ(poll(tail), (Lines{"first"}));
  auto position = tail.position();
  append(log_, "lf\r\n");
  EXPECT_EQ(poll(tail), (Lines{"second half"}));
  // The position never points inside a line: a restart re-reads the partial one.
  EXPECT_EQ(position.offset, 6u);
}

TEST_F(LogTailerTest, RenameRotationLosesAndRepeatsNothing) {
  append(log_, "a1\n");
  LogTailer tail(log_, LogTailer::Start::kBeginning);
  EXPECT_EQ(poll(tail), (Lines{"a1"}));
  append(log_, "a2\n");
  fs::rename(log_, dir_ / "access.log.1");
  // nginx goes on writing to the renamed file until it reopens its logs.
  append(dir_ / "access.log.1", "a3\na4-no-newline");
  append(log_, "b1\nb2\n");
  PollStats stats;
  EXPECT_EQ(poll(tail, &stats), (Lines{"a2", "a3", "a4-no-newline", "b1", "b2"}));
  EXPECT_TRUE(stats.rotated);
  append(log_, "b3\n");
  EXPECT_EQ(poll(tail), (Lines{"b3"}));
}

TEST_F(LogTailerTest, RenamedWithoutANewFileYetKeepsReadingTheOld) {
  append(log_, "a1\n");
  LogTailer tail(log_, LogTailer::Start::kBeginning);
  poll(tail);
  fs::rename(log_, dir_ / "access.log.1");
  append(dir_ / "access.log.1", "a2\n");
  EXPECT_EQ(poll(tail), (Lines{"a2"}));
  append(log_, "b1\n");
  EXPECT_EQ(poll(tail), (Lines{"b1"}));
}

TEST_F(LogTailerTest, CopytruncateStartsAgainAtZero) {
  append(log_, "a1\na2\n");
  LogTailer tail(log_, LogTailer::Start::kBeginning);
  EXPECT_EQ(poll(tail), (Lines{"a1", "a2"}));
  fs::copy_file(log_, dir_ / "access.log.1");
  fs::resize_file(log_, 0);
  append(log_, "b1\n");
  PollStats stats;
  EXPECT_EQ(poll(tail, &stats), (Lines{"b1"}));
  EXPECT_TRUE(stats.truncated);
}

TEST_F(LogTailerTest, ResumesWhereItWasOnlyInTheSameFile) {
  append(log_, "a1\na2\n");
  FilePosition saved;
  {
    LogTailer tail(log_, LogTailer::Start::kBeginning);
    poll(tail);
    saved = tail.position();
  }
  append(log_, "a3\n");
  LogTailer again(log_, LogTailer::Start::kBeginning);
  again.resume(saved);
  EXPECT_EQ(poll(again), (Lines{"a3"}));
  // The file was replaced meanwhile: the saved offset means nothing there.
  fs::remove(log_);
  append(log_, "c1\n");
  LogTailer other(log_, LogTailer::Start::kBeginning);
  other.resume(saved);
  EXPECT_EQ(poll(other), (Lines{"c1"}));
}

TEST_F(LogTailerTest, LinesOverTheLimitAreSkippedWholeAndCounted) {
  append(log_, "");
  LogTailer tail(log_, LogTailer::Start::kBeginning, 16);
  append(log_, "short\n" + std::string(40, 'x') + "\nafter\n");
  PollStats stats;
  EXPECT_EQ(poll(tail, &stats), (Lines{"short", "after"}));
  EXPECT_EQ(stats.too_long, 1u);
  // Also when the long line arrives in pieces.
  append(log_, std::string(10, 'y'));
  poll(tail);
  append(log_, std::string(10, 'y'));
  poll(tail);
  append(log_, "y\nok\n");
  EXPECT_EQ(poll(tail, &stats), (Lines{"ok"}));
  EXPECT_EQ(stats.too_long, 1u);
}

TEST_F(LogTailerTest, AMissingFileIsWaitedForAndThenReadWhole) {
  LogTailer tail(log_, LogTailer::Start::kEnd);
  PollStats stats;
  EXPECT_EQ(poll(tail, &stats), Lines{});
  EXPECT_TRUE(stats.waiting);
  append(log_, "x1\n");
  EXPECT_EQ(poll(tail), (Lines{"x1"}));
}

TEST_F(LogTailerTest, AnUnreadablePathIsAnError) {
  fs::create_directories(log_);  // a directory where the log should be
  LogTailer tail(log_, LogTailer::Start::kBeginning);
  PollStats stats;
  poll(tail, &stats);
  ASSERT_TRUE(stats.error.has_value());
  EXPECT_NE(stats.error->message.find("access.log"), std::string::npos) << stats.error->message;
}

TEST_F(LogTailerTest, LagIsWhatIsLeftToRead) {
  append(log_, "a\n");
  LogTailer tail(log_, LogTailer::Start::kBeginning);
  tail.poll([](std::string_view) {}, /*budget=*/1);
  EXPECT_EQ(tail.lag(), 2u);
  poll(tail);
  EXPECT_EQ(tail.lag(), 0u);
}

}  // namespace
}  // namespace pier::nginx_metrics
