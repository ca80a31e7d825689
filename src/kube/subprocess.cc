#include "kube/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "kube/duration_text.h"

extern char** environ;

namespace pier::kube {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::map<std::string, std::string> by_name;
  std::vector<std::string> order;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string::npos) continue;
    std::string name = text.substr(0, eq);
    if (by_name.emplace(name, text.substr(eq + 1)).second) order.push_back(name);
  }
  for (const auto& [name, value] : extra) {
    if (by_name.insert_or_assign(name, value).second) order.push_back(name);
  }
  std::vector<std::string> out;
  out.reserve(order.size());
  for (const auto& name : order) out.push_back(name + "=" + by_name[name]);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Reaps the child, killing it first if it is still running at the deadline.
// Returns the wait status, or nullopt when it had to be killed.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return status;  // already reaped elsewhere: nothing better to report
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::nullopt;
}

}  // namespace

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return fail(Error::internal("run_process: no program given"));
  const std::string& program = spec.argv[0];
  const auto deadline = Clock::now() + spec.timeout;

  int pipe_fds[2];
  // O_CLOEXEC: other threads spawning children at the same time must not
  // inherit our end, or EOF would never come.
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(Error::io(program + ": cannot create a pipe: " + std::strerror(errno)));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!spec.inherit_stdin) posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  // Nothing else of ours (sockets, other plugins' pipes) leaks into the plugin.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = child_environment(spec.extra_env);
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(env);
  pid_t pid = 0;
  int spawn_error = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();  // only the child writes now; its exit gives us EOF
  if (spawn_error == ENOENT || spawn_error == EACCES || spawn_error == ENOEXEC)
    return fail(Error::not_found(program + ": " + (spawn_error == ENOENT ? "not found" : std::strerror(spawn_error))));
  if (spawn_error != 0) return fail(Error::io(program + ": cannot start: " + std::strerror(spawn_error)));

  ProcessResult result;
  char buffer[8192];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      wait_until(pid, Clock::now());
      return fail(Error::make(ErrorCode::kUnavailable, program + ": no answer within " + duration_text(spec.timeout) +
                                                           " (killed)", Retry::kYes));
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // EOF: the program closed its output (normally by exiting)
    result.standard_output.append(buffer, static_cast<size_t>(n));
    if (result.standard_output.size() > spec.max_output_bytes) {
      wait_until(pid, Clock::now());
      return fail(Error::io(program + ": wrote more than " + std::to_string(spec.max_output_bytes) +
                            " bytes to standard output (killed)"));
    }
  }
  auto status = wait_until(pid, deadline);
  if (!status)
    return fail(Error::make(ErrorCode::kUnavailable,
                            program + ": did not exit within " + duration_text(spec.timeout) + " (killed)", Retry::kYes));
  if (WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  if (WIFSIGNALED(*status)) result.killed_by = WTERMSIG(*status);
  return result;
}

}  // namespace pier::kube
