#include "nginx_metrics/log_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace pier::nginx_metrics {
namespace {

constexpr size_t kChunk = 1 << 20;

Error file_error(const std::filesystem::path& path, std::string_view what, int error) {
  Retry retry = error == EACCES || error == EPERM ? Retry::kNo : Retry::kYes;
  return Error::make(error == EACCES || error == EPERM ? ErrorCode::kDenied : ErrorCode::kIo,
                     path.string() + ": " + std::string(what) + ": " + std::strerror(error), retry);
}

}  // namespace

LogTailer::LogTailer(std::filesystem::path path, Start start, size_t max_line)
    : path_(std::move(path)), start_(start), max_line_(max_line) {}

LogTailer::~LogTailer() { close_file(); }

void LogTailer::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LogTailer::resume(const FilePosition& saved) { resume_ = saved; }

uint64_t LogTailer::lag() const {
  if (fd_ < 0) return 0;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  auto size = static_cast<uint64_t>(st.st_size);
  return size > consumed_ ? size - consumed_ : 0;
}

bool LogTailer::open_current(PollStats& stats, bool from_start) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      stats.waiting = true;
      return false;
    }
    stats.error = file_error(path_, "open", errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    stats.error = file_error(path_, "stat", errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  device_ = static_cast<uint64_t>(st.st_dev);
  inode_ = static_cast<uint64_t>(st.st_ino);
  auto size = static_cast<uint64_t>(st.st_size);
  uint64_t offset = 0;
  if (!opened_once_ && resume_ && resume_->device == device_ && resume_->inode == inode_ && resume_->offset <= size) {
    offset = resume_->offset;  // the same file, not shorter: go on where we were
  } else if (!opened_once_ && !from_start && start_ == Start::kEnd) {
    offset = size;
  }
  opened_once_ = true;
  resume_.reset();
  read_offset_ = consumed_ = offset;
  partial_.clear();
  skipping_ = false;
  return true;
}

void LogTailer::emit(const std::function<void(std::string_view)>& on_line, std::string_view line, PollStats& stats) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++stats.lines;
  on_line(line);
}

bool LogTailer::drain(const std::function<void(std::string_view)>& on_line, PollStats& stats, size_t& budget) {
  std::vector<char> buffer(kChunk);
  while (budget > 0) {
    ssize_t n = ::pread(fd_, buffer.data(), std::min(buffer.size(), budget), static_cast<off_t>(read_offset_));
    if (n < 0) {
      if (errno == EINTR) continue;
      stats.error = file_error(path_, "read", errno);
      return false;
    }
    if (n == 0) return true;
    budget -= static_cast<size_t>(n);
    stats.bytes += static_cast<uint64_t>(n);
    std::string_view data(buffer.data(), static_cast<size_t>(n));
    read_offset_ += static_cast<uint64_t>(n);
    uint64_t data_start = read_offset_ - static_cast<uint64_t>(n);
    size_t begin = 0;
    while (begin < data.size()) {
      size_t newline = data.find('\n', begin);
      if (newline == std::string_view::npos) {
        // The rest is a partial line: held (up to the limit) until its newline.
        std::string_view rest = data.substr(begin);
        if (!skipping_ && partial_.size() + rest.size() > max_line_) {
          skipping_ = true;
          partial_.clear();
        }
        if (!skipping_) partial_.append(rest);
        break;
      }
      std::string_view piece = data.substr(begin, newline - begin);
      if (skipping_) {
        skipping_ = false;
        ++stats.too_long;
      } else if (!partial_.empty()) {
        if (partial_.size() + piece.size() > max_line_) {
          ++stats.too_long;
        } else {
          partial_.append(piece);
          emit(on_line, partial_, stats);
        }
        partial_.clear();
      } else if (piece.size() > max_line_) {
        ++stats.too_long;
      } else {
        emit(on_line, piece, stats);
      }
      begin = newline + 1;
      consumed_ = data_start + begin;
    }
  }
  return true;
}

PollStats LogTailer::poll(const std::function<void(std::string_view)>& on_line, size_t budget) {
  PollStats stats;
  // A file that appears after we started (or after it was missing) is new:
  // all of it is read.
  if (fd_ < 0 && !open_current(stats, /*from_start=*/opened_once_ || waited_)) {
    if (stats.waiting) waited_ = true;
    return stats;
  }
  for (int hops = 0; hops < 4; ++hops) {
    struct stat open_st {};
    if (::fstat(fd_, &open_st) != 0) {
      stats.error = file_error(path_, "stat", errno);
      return stats;
    }
    if (static_cast<uint64_t>(open_st.st_size) < read_offset_) {
      // copytruncate: the file was cut under us. What it held was copied
      // away; start again at its new beginning. A partial line is lost.
      stats.truncated = true;
      read_offset_ = consumed_ = 0;
      partial_.clear();
      skipping_ = false;
    }
    if (!drain(on_line, stats, budget)) return stats;
    if (budget == 0) return stats;
    // At the end of this file: is it still the one at the path?
    struct stat path_st {};
    if (::stat(path_.c_str(), &path_st) != 0) {
      if (errno == ENOENT) return stats;  // renamed, the new one not made yet: keep the old open
      stats.error = file_error(path_, "stat", errno);
      return stats;
    }
    if (static_cast<uint64_t>(path_st.st_ino) == inode_ && static_cast<uint64_t>(path_st.st_dev) == device_)
      return stats;
    // Renamed away and a new file made: the old one is read to its end
    // (done above); its last line, if it had no newline, is complete now.
    if (!partial_.empty() && !skipping_) emit(on_line, partial_, stats);
    partial_.clear();
    skipping_ = false;
    close_file();
    stats.rotated = true;
    if (!open_current(stats, /*from_start=*/true)) return stats;
  }
  return stats;
}

}  // namespace pier::nginx_metrics
