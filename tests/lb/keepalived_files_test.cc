// KeepalivedFiles: writes and reloads only on a change, atomically, and
// keeps the old file when it cannot write; the two real reloaders.
#include "lb/keepalived_files.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/files.h"

namespace pier::lb {
namespace {

namespace fs = std::filesystem;

class FakeReloader : public KeepalivedReloader {
 public:
  Result<void> reload() override {
    ++calls;
    if (fail) return std::unexpected(Error::make(ErrorCode::kUnavailable, "keepalived is down", Retry::kYes));
    return {};
  }
  int calls = 0;
  bool fail = false;
};

class KeepalivedFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pier-ka-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "keepalived.conf";
  }
  void TearDown() override {
    set_immutable(false);
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }

  // Makes the directory refuse new files, even to root (who ignores mode
  // bits): the ext4/tmpfs immutable flag as root, mode 0555 otherwise.
  bool make_unwritable() {
    if (::geteuid() != 0) {
      fs::permissions(dir_, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                      fs::perm_options::remove);
      return true;
    }
    return set_immutable(true);
  }
  bool set_immutable(bool on) {
    int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return ok;
  }

  std::string content() const { return *read_file(path_); }
  ino_t inode() const {
    struct stat st {};
    ::stat(path_.c_str(), &st);
    return st.st_ino;
  }
  size_t files_in_dir() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }

  fs::path dir_;
  fs::path path_;
  FakeReloader reloader_;
};

TEST_F(KeepalivedFilesTest, FirstApplyWritesAndReloads) {
  KeepalivedFiles files(path_, reloader_);
  auto changed = files.apply("a\n");
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(content(), "a\n");
  EXPECT_EQ(reloader_.calls, 1);
}

TEST_F(KeepalivedFilesTest, UnchangedContentNeitherRewritesNorReloads) {
  ASSERT_TRUE(write_file_atomic(path_, "same\n"));
  const ino_t before = inode();
  KeepalivedFiles files(path_, reloader_);
  for (int i = 0; i < 3; ++i) {
    auto changed = files.apply("same\n");
    ASSERT_TRUE(changed) << changed.error().describe();
    EXPECT_FALSE(*changed);
  }
  EXPECT_EQ(inode(), before);  // not even rewritten with equal bytes
  EXPECT_EQ(reloader_.calls, 0);
}

TEST_F(KeepalivedFilesTest, ChangedContentIsRenamedIntoPlaceAndReloadsOnce) {
  ASSERT_TRUE(write_file_atomic(path_, "old\n"));
  const ino_t before = inode();
  KeepalivedFiles files(path_, reloader_);
  auto changed = files.apply("new\n");
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(content(), "new\n");
  EXPECT_NE(inode(), before);     // a new file renamed over the old one, not rewritten in place
  EXPECT_EQ(files_in_dir(), 1u);  // no temporary file left
  EXPECT_EQ(reloader_.calls, 1);
  ASSERT_TRUE(files.apply("new\n"));
  EXPECT_EQ(reloader_.calls, 1);
}

TEST_F(KeepalivedFilesTest, AnUnwritableDirectoryIsAnErrorAndKeepsTheOldFile) {
  ASSERT_TRUE(write_file_atomic(path_, "old\n"));
  if (!make_unwritable()) GTEST_SKIP() << "cannot make " << dir_ << " unwritable here";
  KeepalivedFiles files(path_, reloader_);
  auto changed = files.apply("new\n");
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, ErrorCode::kIo);
  EXPECT_EQ(changed.error().retry, Retry::kYes);
  EXPECT_THAT(changed.error().message, ::testing::HasSubstr(path_.string()));
  EXPECT_EQ(content(), "old\n");
  EXPECT_EQ(files_in_dir(), 1u);
  EXPECT_EQ(reloader_.calls, 0);

  set_immutable(false);
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
  ASSERT_TRUE(files.apply("new\n"));
  EXPECT_EQ(content(), "new\n");
  EXPECT_EQ(reloader_.calls, 1);
}

TEST_F(KeepalivedFilesTest, AFailedReloadIsRetriedByTheNextApply) {
  KeepalivedFiles files(path_, reloader_);
  reloader_.fail = true;
  auto first = files.apply("a\n");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(content(), "a\n");  // written; keepalived has not read it yet
  reloader_.fail = false;
  auto second = files.apply("a\n");
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_FALSE(*second);
  EXPECT_EQ(reloader_.calls, 2);
  ASSERT_TRUE(files.apply("a\n"));
  EXPECT_EQ(reloader_.calls, 2);
}

TEST(PidFileReloader, SendsSighupToThePidInTheFile) {
  fs::path pid_file = fs::temp_directory_path() / ("pier-ka-pid-" + std::to_string(::getpid()));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (;;) ::pause();  // SIGHUP's default action ends it
  }
  ASSERT_TRUE(write_file_atomic(pid_file, std::to_string(child) + "\n"));
  PidFileReloader reloader(pid_file);
  auto done = reloader.reload();
  EXPECT_TRUE(done) << done.error().describe();
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGHUP);

  auto gone = reloader.reload();  // the process no longer exists
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(gone.error().retry, Retry::kYes);
  fs::remove(pid_file);
}

TEST(PidFileReloader, AMissingOrBadPidFileIsAnError) {
  fs::path pid_file = fs::temp_directory_path() / ("pier-ka-badpid-" + std::to_string(::getpid()));
  fs::remove(pid_file);
  auto missing = PidFileReloader(pid_file).reload();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  for (const char* text : {"", "abc\n", "0\n", "1\n", "-5\n", "12x\n"}) {
    ASSERT_TRUE(write_file_atomic(pid_file, text));
    auto bad = PidFileReloader(pid_file).reload();
    ASSERT_FALSE(bad) << text;
    EXPECT_EQ(bad.error().code, ErrorCode::kIo) << text;
  }
  fs::remove(pid_file);
}

TEST(CommandReloader, RunsTheCommandAndReportsItsFailure) {
  EXPECT_TRUE(CommandReloader({"true"}).reload());
  auto failed = CommandReloader({"sh", "-c", "exit 3"}).reload();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(failed.error().message, ::testing::HasSubstr("exited with 3"));
  auto missing = CommandReloader({"/nonexistent/pier-reload"}).reload();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto slow = CommandReloader({"sleep", "10"}, std::chrono::milliseconds(100)).reload();
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().retry, Retry::kYes);
  EXPECT_FALSE(CommandReloader({}).reload());
}

}  // namespace
}  // namespace pier::lb
