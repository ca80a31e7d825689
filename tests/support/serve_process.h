// `pier serve` as a child process of a test: the real binary on 127.0.0.1
// and a free port, its data directory under the test's own directory, the
// bundled catalog. The port comes from the banner on its stdout
// ("pier console: http://127.0.0.1:PORT/"), the admin token from
// DATA_DIR/admin.token.
//
//   ServeProcess serve(dir, {"--no-kubeconfig", "--gitops", "local=" + (dir / "gitops").string()});
//   ASSERT_NO_FATAL_FAILURE(serve.start());
//   ... requests to serve.url() + "/api/v1/..." with serve.admin_token() ...
//   serve.terminate(std::chrono::seconds(15));   // or kill_now(), or let the destructor kill it
//
// `dir` holds serve.out (its stdout), serve.log (its stderr, kept across
// restarts) and data/. The including target defines PIER_BINARY and
// PIER_SOURCE_DIR. Every wait is bounded; the child is killed with the test
// process (PR_SET_PDEATHSIG) if the destructor never runs.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pier::testing {

class ServeProcess {
 public:
  ServeProcess(std::filesystem::path dir, std::vector<std::string> extra_args)
      : dir_(std::move(dir)), extra_(std::move(extra_args)) {}
  ~ServeProcess() { kill_now(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Starts it and waits (at most 10 s) for its banner; a gtest failure when it
  // does not come (use ASSERT_NO_FATAL_FAILURE). Again after kill_now() or
  // terminate(): same data directory, a new port.
  void start() {
    std::filesystem::create_directories(dir_);
    std::filesystem::remove(dir_ / "serve.out");
    url_.clear();
    token_.clear();
    // Everything the child needs is built before fork(): the parent may have
    // threads, and the child may only call async-signal-safe functions.
    const std::string out = (dir_ / "serve.out").string(), err = (dir_ / "serve.log").string();
    std::vector<std::string> args = {PIER_BINARY, "serve",     "--listen",  "127.0.0.1:0",
                                     "--data-dir", data_dir(), "--catalog", PIER_SOURCE_DIR "/catalog"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      // Dies with the test, even when the test crashes before its destructor runs.
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(125);
      int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0)
        ::_exit(126);
      ::execv(PIER_BINARY, argv.data());
      ::_exit(127);
    }
    ASSERT_GT(pid_, 0) << "fork failed";

    const std::regex banner(R"(pier console: (https?://127\.0\.0\.1:\d+)/)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      std::string text = read_text(dir_ / "serve.out");
      if (std::regex_search(text, match, banner)) {
        url_ = match[1].str();
        token_ = read_text(dir_ / "data" / "admin.token");
        while (!token_.empty() && (token_.back() == '\n' || token_.back() == '\r')) token_.pop_back();
        ASSERT_FALSE(token_.empty()) << "no admin token in " << data_dir();
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL() << "pier serve exited at start (status " << status << "): " << log();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_now();
    FAIL() << "pier serve did not print its banner within 10 s: " << log();
  }

  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // SIGTERM; the exit status, or -1 when it did not stop within `limit` (it is then killed).
  int terminate(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_now();
    return -1;
  }

  // "http://127.0.0.1:PORT" (https with --tls-cert), without a trailing slash.
  const std::string& url() const { return url_; }
  const std::string& admin_token() const { return token_; }
  std::string data_dir() const { return (dir_ / "data").string(); }
  // The SQLite database of the data directory (without --database).
  std::string database_file() const { return (dir_ / "data" / "pier.db").string(); }
  // What it wrote on stderr (its JSON log), across restarts.
  std::string log() const { return read_text(dir_ / "serve.log"); }

  static std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  std::string url_;
  std::string token_;
};

}  // namespace pier::testing
