#include "lb/health_prober.h"
#include "lb/socket_address.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace pier::lb {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string duration_text(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// strerror's "Connection refused" reads better mid-sentence in lower case.
std::string errno_text(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

int millis_left(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
  // Round up so a deadline 0.4 ms away still waits rather than spinning.
  return static_cast<int>(std::clamp<int64_t>(left + 1, 0, 60'000));
}

// Waits for `events` on fd until the deadline. False on timeout.
bool wait_for(int fd, short events, SteadyClock::time_point deadline) {
  while (true) {
    if (SteadyClock::now() >= deadline) return false;
    pollfd pfd{fd, events, 0};
    int ready = ::poll(&pfd, 1, millis_left(deadline));
    if (ready > 0) return true;  // readiness or an error/hang-up that the next call reports
    if (ready < 0 && errno != EINTR) return true;
  }
}

struct Connected {
  int fd = -1;
  std::string error;  // empty when connected
};

// A non-blocking connect that gives up at the deadline. The caller owns fd.
Connected connect_within(const IpAddress& address, uint16_t port, SteadyClock::time_point deadline,
                         milliseconds timeout) {
  const std::string where = "connect to " + address.text_with_port(port) + ": ";
  SocketAddress to = socket_address(address, port);
  int fd = ::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return {.fd = -1, .error = where + "cannot create a socket: " + errno_text(errno)};
  Connected out{.fd = fd, .error = {}};
  if (::connect(fd, to.get(), to.length) == 0) return out;
  if (errno != EINPROGRESS && errno != EINTR) {
    out.error = where + errno_text(errno);
    return out;
  }
  if (!wait_for(fd, POLLOUT, deadline)) {
    out.error = where + "timed out after " + duration_text(timeout);
    return out;
  }
  int error = 0;
  socklen_t error_length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length) != 0) error = errno;
  if (error != 0) out.error = where + errno_text(error);
  return out;
}

// The status code of "HTTP/1.1 200 OK", or -1 when it is not a status line.
int parse_status_line(std::string_view line) {
  if (!line.starts_with("HTTP/")) return -1;
  size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return -1;
  std::string_view code = line.substr(space + 1, 3);
  if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
  if (line.size() > space + 4 && line[space + 4] != ' ') return -1;
  return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

ProbeResult down(std::string message) {
  return ProbeResult{.up = false, .weight = std::nullopt, .message = std::move(message)};
}

}  // namespace

ProbeResult probe_tcp(const IpAddress& address, uint16_t port, milliseconds timeout) {
  Connected c = connect_within(address, port, SteadyClock::now() + timeout, timeout);
  Fd owner(c.fd);
  if (!c.error.empty()) return down(std::move(c.error));
  return ProbeResult{.up = true, .weight = std::nullopt, .message = "connected to " + address.text_with_port(port)};
}

ProbeResult probe_http(const IpAddress& address, uint16_t port, const std::string& path, uint16_t expected_status,
                       milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  const std::string host = address.text_with_port(port);
  const std::string where = "GET " + path + " on " + host + ": ";
  // A blank or line break would end the request line early and smuggle
  // headers in: refused before any traffic.
  auto unsafe = [](char ch) { return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f; };
  if (path.empty() || std::any_of(path.begin(), path.end(), unsafe))
    return down("HTTP check path \"" + path + "\" is empty or has blanks or control characters");
  Connected c = connect_within(address, port, deadline, timeout);
  Fd owner(c.fd);
  if (!c.error.empty()) return down(std::move(c.error));

  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: pier-lb-health\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(c.fd, POLLOUT, deadline)) return down(where + "timed out after " + duration_text(timeout));
    // MSG_NOSIGNAL: a server that closes early must not SIGPIPE the controller.
    ssize_t n = ::send(c.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return down(where + "cannot send the request: " + errno_text(errno));
    sent += static_cast<size_t>(n);
  }

  // Only the status line matters; a server sending a long line without an
  // end is not an HTTP server.
  constexpr size_t kMaxStatusLine = 1024;
  std::string received;
  char buffer[512];
  while (received.find("\r\n") == std::string::npos && received.size() < kMaxStatusLine) {
    if (!wait_for(c.fd, POLLIN, deadline)) return down(where + "timed out after " + duration_text(timeout));
    ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return down(where + errno_text(errno));
    if (n == 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  if (received.empty()) return down(where + "connection closed without a response");
  std::string_view line(received);
  line = line.substr(0, line.find("\r\n"));
  int status = parse_status_line(line);
  if (status < 0) return down(where + "not an HTTP response");
  if (status != expected_status)
    return down("HTTP " + std::to_string(status) + ", expected " + std::to_string(expected_status));
  return ProbeResult{.up = true, .weight = std::nullopt, .message = "HTTP " + std::to_string(status)};
}

std::vector<std::string> misc_argv(const std::string& misc_path, const IpAddress& address, uint16_t port) {
  const std::string address_text = address.text();
  const std::string port_text = std::to_string(port);
  auto replace = [](std::string& word, std::string_view from, const std::string& to) {
    for (size_t at = word.find(from); at != std::string::npos; at = word.find(from, at + to.size()))
      word.replace(at, from.size(), to);
  };
  auto substitute = [&](std::string word) {
    replace(word, "{address}", address_text);
    replace(word, "{port}", port_text);
    return word;
  };
  std::vector<std::string> argv;
  size_t at = 0;
  while (at < misc_path.size()) {
    size_t start = misc_path.find_first_not_of(" \t", at);
    if (start == std::string::npos) break;
    size_t end = misc_path.find_first_of(" \t", start);
    if (end == std::string::npos) end = misc_path.size();
    // Substituted after splitting: nothing a real server's address could
    // contain adds or splits arguments.
    argv.push_back(substitute(misc_path.substr(start, end - start)));
    at = end;
  }
  return argv;
}

ProbeResult probe_misc(const std::string& misc_path, const IpAddress& address, uint16_t port, bool dynamic,
                       milliseconds timeout) {
  std::vector<std::string> args = misc_argv(misc_path, address, port);
  if (args.empty()) return down("no MISC_CHECK script configured");
  const std::string& program = args[0];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  // Nothing of the controller's (sockets, netlink, files) leaks into scripts.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so a timeout kills what the script started too
  // (a `sleep`, a `dig`), not only the script.
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto deadline = SteadyClock::now() + timeout;
  pid_t pid = 0;
  int spawn_error = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) return down("script " + program + ": " + errno_text(spawn_error));

  int status = 0;
  auto pause = milliseconds(1);
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return down("script " + program + ": lost track of it: " + errno_text(errno));
    if (SteadyClock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);  // should the group not have been made
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return down("script timed out after " + duration_text(timeout) + " (killed)");
    }
    // Short at first (most checks take milliseconds), then 20 ms steps.
    std::this_thread::sleep_for(std::min(pause, std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()) +
                                                    milliseconds(1)));
    pause = std::min(pause * 2, milliseconds(20));
  }
  if (WIFSIGNALED(status)) return down("script killed by signal " + std::to_string(WTERMSIG(status)));
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
  if (code == 0) return ProbeResult{.up = true, .weight = std::nullopt, .message = "script exited 0"};
  if (code >= 2 && dynamic)
    return ProbeResult{.up = true,
                       .weight = static_cast<uint32_t>(code - 2),
                       .message = "script exited " + std::to_string(code) + ": weight " + std::to_string(code - 2)};
  return down("script exited " + std::to_string(code));
}

ProbeResult SystemProber::probe(const IpAddress& address, uint16_t port, const HealthCheck& check) {
  const milliseconds connect_timeout(std::max<int64_t>(check.connect_timeout_seconds, 1) * 1000);
  switch (check.kind) {
    case HealthCheckKind::kNone: return ProbeResult{.up = true, .weight = std::nullopt, .message = "not checked"};
    case HealthCheckKind::kTcp: return probe_tcp(address, port, connect_timeout);
    case HealthCheckKind::kHttp: return probe_http(address, port, check.http_path, check.http_status, connect_timeout);
    case HealthCheckKind::kMisc:
      return probe_misc(check.misc_path, address, port, check.misc_dynamic,
                        milliseconds(std::max<int64_t>(check.misc_timeout_seconds, 1) * 1000));
  }
  return down("unknown health check kind");
}

}  // namespace pier::lb
