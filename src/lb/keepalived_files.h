// The `keepalived` dataplane's only side effects: keepalived.conf on disk
// and the signal that makes keepalived read it again. Writes only when the
// rendered text differs from the file, atomically (temp file, fsync,
// rename), then reloads once.
//
//   lb::PidFileReloader reloader("/run/keepalived.pid");
//   lb::KeepalivedFiles files("/etc/keepalived/keepalived.conf", reloader);
//   auto changed = files.apply(lb::render_keepalived_conf(settings, services).text);
//   if (!changed) log(changed.error().describe());   // old file kept; apply again later
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace pier::lb {

// Makes keepalived read its configuration again. One real kind per way of
// running keepalived, one fake in the tests.
class KeepalivedReloader {
 public:
  virtual ~KeepalivedReloader() = default;
  virtual Result<void> reload() = 0;
};

// SIGHUP to the pid in keepalived's pid file (`keepalived -p FILE`,
// /run/keepalived.pid by default): keepalived's own reload signal.
class PidFileReloader final : public KeepalivedReloader {
 public:
  explicit PidFileReloader(std::filesystem::path pid_file) : pid_file_(std::move(pid_file)) {}
  // kUnavailable + Retry::kYes when the file is missing or names no process
  // (keepalived not running yet: it reads the new file when it starts).
  Result<void> reload() override;

 private:
  std::filesystem::path pid_file_;
};

// Runs a command, such as {"systemctl", "reload", "keepalived"}; exit 0 is
// success. A program without '/' is looked up in PATH.
class CommandReloader final : public KeepalivedReloader {
 public:
  explicit CommandReloader(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(30))
      : argv_(std::move(argv)), timeout_(timeout) {}
  Result<void> reload() override;

 private:
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
};

class KeepalivedFiles {
 public:
  KeepalivedFiles(std::filesystem::path config_path, KeepalivedReloader& reloader)
      : config_path_(std::move(config_path)), reloader_(reloader) {}

  // True when the file changed (and keepalived was reloaded), false when it
  // already held `content`. A failed write leaves the old file whole; a
  // failed reload is retried by the next apply, even with unchanged content.
  Result<bool> apply(std::string_view content);

  const std::filesystem::path& config_path() const { return config_path_; }

 private:
  std::filesystem::path config_path_;
  KeepalivedReloader& reloader_;
  bool reload_pending_ = false;
};

}  // namespace pier::lb
