#include "lb/keepalived_files.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "common/files.h"

extern char** environ;

namespace pier::lb {

namespace {

std::string errno_text(int error) { return std::strerror(error); }

Error unavailable(std::string message) { return Error::make(ErrorCode::kUnavailable, std::move(message), Retry::kYes); }

}  // namespace

Result<void> PidFileReloader::reload() {
  auto text = read_file(pid_file_);
  if (!text) return fail(unavailable("keepalived not reloaded: " + text.error().message));
  std::string_view digits = *text;
  while (!digits.empty() && (digits.back() == '\n' || digits.back() == ' ')) digits.remove_suffix(1);
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  // Never 0 or 1: kill(0) would signal our own process group, pid 1 is init.
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 1)
    return fail(Error::io(pid_file_.string() + ": not a process id: \"" + std::string(digits) + "\""));
  if (::kill(pid, SIGHUP) != 0) {
    int error = errno;
    if (error == ESRCH) return fail(unavailable(pid_file_.string() + ": no process " + std::to_string(pid)));
    return fail(Error::io("SIGHUP to keepalived (pid " + std::to_string(pid) + "): " + errno_text(error)));
  }
  return {};
}

Result<void> CommandReloader::reload() {
  if (argv_.empty()) return fail(Error::invalid("keepalived reload command is empty"));
  std::vector<char*> argv;
  for (std::string& arg : argv_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int error = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (error != 0)
    return fail(Error::make(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                            "cannot run " + argv_[0] + ": " + errno_text(error)));
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return fail(Error::io("waiting for " + argv_[0] + ": " + errno_text(errno)));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return fail(unavailable(argv_[0] + " did not finish in " + std::to_string(timeout_.count()) + " ms"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string how = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                      : "was killed by signal " + std::to_string(WTERMSIG(status));
  return fail(unavailable("keepalived reload command " + argv_[0] + " " + how));
}

Result<bool> KeepalivedFiles::apply(std::string_view content) {
  auto current = read_file(config_path_);
  if (!current && current.error().code != ErrorCode::kNotFound) return fail(current.error());
  const bool changed = !current || *current != content;
  if (changed) {
    if (auto written = write_file_atomic(config_path_, content); !written) {
      Error error = written.error();
      error.retry = Retry::kYes;
      return fail(std::move(error));
    }
    reload_pending_ = true;
  }
  if (reload_pending_) {
    if (auto reloaded = reloader_.reload(); !reloaded) return fail(reloaded.error());
    reload_pending_ = false;
  }
  return changed;
}

}  // namespace pier::lb
