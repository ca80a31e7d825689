#include "postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace pier::store::testing {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr auto kStartLimit = std::chrono::seconds(30);
constexpr auto kStopLimit = std::chrono::seconds(30);

Error failure(std::string message) { return Error::make(ErrorCode::kUnavailable, "PostgreSQL for tests: " + std::move(message)); }

// Who runs initdb and postgres: ourselves, or (when we are root) `postgres`.
struct Account {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<Account> server_account() {
  if (::geteuid() != 0) return Account{};
  struct passwd* pw = ::getpwnam("postgres");
  if (!pw)
    return fail(failure("running as root, PostgreSQL must run as another user, and there is no `postgres` user "
                        "(install Debian's postgresql package)"));
  return Account{true, pw->pw_uid, pw->pw_gid};
}

// Where data directories go: in memory when /dev/shm is there with room to
// spare (a container's default is 64 MB; a template and a copy take ~80 MB),
// since copying one onto a VM's disk costs more than the test it serves.
fs::path scratch_dir() {
  constexpr unsigned long long kRoomNeeded = 512ull * 1024 * 1024;
  struct statvfs fs_info {};
  if (::access("/dev/shm", W_OK | X_OK) == 0 && ::statvfs("/dev/shm", &fs_info) == 0 &&
      static_cast<unsigned long long>(fs_info.f_bavail) * fs_info.f_frsize >= kRoomNeeded)
    return "/dev/shm";
  return fs::temp_directory_path();
}

// A test process killed outright (kill -9, a crash) takes its server along
// (parent-death signal) but leaves its directory: remove those of processes
// that no longer exist. Directory names carry the owner's pid for this.
void remove_abandoned_dirs(const fs::path& scratch) {
  const std::string prefix = "pier-store-pg-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(scratch, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || name.starts_with(prefix + "template")) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
    if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

Result<fs::path> find_bin_dir() {
  if (const char* forced = std::getenv("PIER_POSTGRES_BIN")) {
    if (fs::exists(fs::path(forced) / "initdb") && fs::exists(fs::path(forced) / "postgres")) return fs::path(forced);
    return fail(failure(std::string("PIER_POSTGRES_BIN=") + forced + " has no initdb and postgres"));
  }
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "postgres")) candidates.push_back(bin);
  }
  if (candidates.empty())
    return fail(failure("no initdb/postgres under /usr/lib/postgresql/*/bin (install Debian's postgresql package, "
                        "or set PIER_POSTGRES_BIN)"));
  // The newest major version: "15" sorts after "13" as text for the versions Debian ships.
  std::sort(candidates.begin(), candidates.end());
  return candidates.back();
}

Result<int> free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail(failure(std::string("socket: ") + std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  if (port < 0) return fail(failure("no free port on 127.0.0.1"));
  return port;
}

// fork + exec with stdout and stderr into `log`, in `dir`, as `account`.
// With `die_with_parent`, the child gets SIGQUIT (PostgreSQL's immediate
// shutdown) when this thread ends, so a crashed test leaves no server behind.
Result<pid_t> spawn(const std::vector<std::string>& args, const fs::path& dir, const fs::path& log,
                    const Account& account, bool die_with_parent) {
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return fail(failure(log.string() + ": " + std::strerror(errno)));
  if (account.switch_user) (void)::fchown(log_fd, account.uid, account.gid);
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return fail(failure(std::string("fork: ") + std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    if (account.switch_user &&
        (::setgroups(0, nullptr) != 0 || ::setgid(account.gid) != 0 || ::setuid(account.uid) != 0))
      ::_exit(126);
    // After setuid, which clears the parent-death signal.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

std::string tail_of(const fs::path& file, size_t bytes = 1500);

// Runs a command to its end; an error with its log unless it exits 0.
Result<void> run(const std::vector<std::string>& args, const fs::path& dir, const fs::path& log, const Account& account) {
  auto pid = spawn(args, dir, log, account, false);
  if (!pid) return fail(pid.error());
  int status = 0;
  ::waitpid(*pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  return fail(failure(fs::path(args[0]).filename().string() + " failed (exit status " +
                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "):\n" + tail_of(log)));
}

// initdb takes about a second, and under ctest every test is its own process:
// a data directory is made once per user and PostgreSQL version, kept in the
// temporary directory, and copied for each server. A lock file orders the
// processes that find it missing; a marker written last says it is complete.
Result<fs::path> template_data_dir(const fs::path& bin_dir, const Account& account) {
  const fs::path cache = scratch_dir() / ("pier-store-pg-template-" + std::to_string(::geteuid()) + "-" +
                                                      bin_dir.parent_path().filename().string());
  const fs::path marker = cache / "complete";
  int lock = ::open((cache.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return fail(failure(cache.string() + ".lock: " + std::strerror(errno)));
  ::flock(lock, LOCK_EX);
  Result<void> made;
  if (!fs::exists(marker)) {
    std::error_code ec;
    fs::remove_all(cache, ec);
    fs::create_directories(cache, ec);
    if (account.switch_user && ::chown(cache.c_str(), account.uid, account.gid) != 0)
      made = fail(failure(cache.string() + ": chown to postgres: " + std::strerror(errno)));
    if (made)
      made = run({(bin_dir / "initdb").string(), "-D", (cache / "data").string(), "-U", "pier", "--auth=trust", "-E",
                  "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                 cache, cache / "initdb.log", account);
    if (made) std::ofstream(marker) << "initdb done\n";
  }
  ::flock(lock, LOCK_UN);
  ::close(lock);
  if (!made) return fail(made.error());
  return cache / "data";
}

std::string tail_of(const fs::path& file, size_t bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > bytes ? "..." + all.substr(all.size() - bytes) : all;
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::start() {
  auto bin_dir = find_bin_dir();
  if (!bin_dir) return fail(bin_dir.error());
  auto account = server_account();
  if (!account) return fail(account.error());

  remove_abandoned_dirs(scratch_dir());
  std::string pattern = (scratch_dir() / ("pier-store-pg-" + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) return fail(failure(std::string("mkdtemp: ") + std::strerror(errno)));
  fs::path dir = pattern;
  if (account->switch_user && ::chown(dir.c_str(), account->uid, account->gid) != 0)
    return fail(failure(dir.string() + ": chown to postgres: " + std::strerror(errno)));

  auto data = template_data_dir(*bin_dir, *account);
  if (!data) return fail(data.error());
  // cp as the server's user, so the copy is that user's and keeps mode 0700.
  if (auto copied = run({"/bin/cp", "-a", data->string(), (dir / "data").string()}, dir, dir / "copy.log", *account);
      !copied) {
    fs::remove_all(dir);
    return fail(copied.error());
  }

  auto port = free_port();
  if (!port) return fail(port.error());
  std::unique_ptr<PostgresServer> server(new PostgresServer(dir, *bin_dir, *port, account->switch_user));
  if (auto launched = server->launch(); !launched) return fail(launched.error());
  return server;
}

Result<PostgresServer*> PostgresServer::shared() {
  static std::once_flag once;
  static std::unique_ptr<PostgresServer> server;  // stopped when the test process exits
  static std::optional<Error> error;
  std::call_once(once, [] {
    auto started = start();
    if (started)
      server = std::move(*started);
    else
      error = started.error();
  });
  if (error) return fail(*error);
  return server.get();
}

PostgresServer::PostgresServer(fs::path dir, fs::path bin_dir, int port, bool as_postgres_user)
    : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)), port_(port), as_postgres_user_(as_postgres_user) {}

PostgresServer::~PostgresServer() {
  // The data is thrown away: an immediate shutdown skips the checkpoint.
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<void> PostgresServer::launch() {
  Account account;
  if (as_postgres_user_) {
    auto postgres = server_account();
    if (!postgres) return fail(postgres.error());
    account = *postgres;
  }
  auto pid = spawn({(bin_dir_ / "postgres").string(), "-D", (dir_ / "data").string(), "-p", std::to_string(port_),
                    "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                    "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"},
                   dir_, dir_ / "postgres.log", account, true);
  if (!pid) return fail(pid.error());
  pid_ = *pid;

  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) + " user=pier dbname=postgres connect_timeout=2";
  const auto deadline = steady_clock::now() + kStartLimit;
  while (PQping(ping.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return fail(failure("postgres exited while starting:\n" + log_tail()));
    }
    if (steady_clock::now() > deadline) {
      (void)stop();
      return fail(failure("postgres did not accept connections within 30 s:\n" + log_tail()));
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return {};
}

Result<void> PostgresServer::stop() {
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGINT);  // fast shutdown: disconnect clients, then exit
  const auto deadline = steady_clock::now() + kStopLimit;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  pid_ = -1;
  return {};
}

Result<void> PostgresServer::start_again() {
  if (pid_ > 0) return {};
  return launch();
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgres://pier@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PostgresServer::create_database() {
  std::string name = "t" + std::to_string(++databases_made_);
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port_) + " user=pier dbname=postgres";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  if (!error.empty()) return fail(failure("CREATE DATABASE " + name + ": " + error));
  return name;
}

std::string PostgresServer::log_tail() const { return tail_of(dir_ / "postgres.log"); }

}  // namespace pier::store::testing
