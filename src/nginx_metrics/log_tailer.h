// Follows one access log as `tail -F` does, and more carefully: every
// complete line once, across a rename rotation (logrotate's `create`: the
// old file is read to its end before the new one is opened) and a
// `copytruncate` (the file shrinks under the reader: it starts again at
// 0), a partial last line held until its newline comes, and a position a
// restart can resume from.
//
//   LogTailer tail("/var/log/nginx/access.log", LogTailer::Start::kEnd);
//   tail.resume(saved);                           // if the state file had one
//   auto stats = tail.poll([&](std::string_view line) { count(line); });
//   save(tail.position());
//
// poll() never blocks: the daemon calls it on a timer. A missing file is
// waited for (stats.waiting); an unreadable one is stats.error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::nginx_metrics {

// Where reading stands: the file (device and inode) and the offset of the
// first byte not yet consumed as part of a complete line.
struct FilePosition {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
  bool operator==(const FilePosition&) const = default;
};

struct PollStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t too_long = 0;   // lines over the limit, skipped whole
  bool rotated = false;    // renamed away: the new file was opened
  bool truncated = false;  // copytruncate: started again at 0
  bool waiting = false;    // no file at the path yet
  std::optional<Error> error;
};

class LogTailer {
 public:
  enum class Start { kEnd, kBeginning };

  LogTailer(std::filesystem::path path, Start start, size_t max_line = 64 * 1024);
  ~LogTailer();
  LogTailer(const LogTailer&) = delete;
  LogTailer& operator=(const LogTailer&) = delete;

  // Continue from a saved position if the file at the path is still that
  // file and at least that long; otherwise the Start rule applies.
  void resume(const FilePosition& saved);

  // Reads what is new, at most `budget` bytes, and hands each complete line
  // (without its newline) to on_line.
  PollStats poll(const std::function<void(std::string_view)>& on_line, size_t budget = 64 << 20);

  FilePosition position() const { return {device_, inode_, consumed_}; }
  // Bytes in the current file not consumed yet (how far behind we are).
  uint64_t lag() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  bool open_current(PollStats& stats, bool from_start);
  void close_file();
  // Reads fd_ to its end (or the budget); false on a read error.
  bool drain(const std::function<void(std::string_view)>& on_line, PollStats& stats, size_t& budget);
  void emit(const std::function<void(std::string_view)>& on_line, std::string_view line, PollStats& stats);

  std::filesystem::path path_;
  Start start_;
  size_t max_line_;
  int fd_ = -1;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
  uint64_t read_offset_ = 0;  // next byte to read from the file
  uint64_t consumed_ = 0;     // end of the last complete line
  std::string partial_;       // bytes after the last newline
  bool skipping_ = false;     // inside a line over max_line_
  std::optional<FilePosition> resume_;
  bool opened_once_ = false;
  bool waited_ = false;
};

}  // namespace pier::nginx_metrics
