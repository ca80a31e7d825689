// The whole path a Pier daemon takes: start, SIGTERM from Kubernetes,
// in-flight request finished, exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "http_client.h"

extern char** environ;

namespace pier::server {
namespace {

using namespace std::chrono_literals;

TEST(Daemon, SigtermStopsGracefullyAfterTheInFlightRequest) {
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const char* path = PIER_DEMO_DAEMON;
  char* argv[] = {const_cast<char*>(path), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, path, &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  FILE* from_child = ::fdopen(out[0], "r");
  unsigned port = 0;
  bool started = std::fscanf(from_child, "port %u", &port) == 1;
  std::fclose(from_child);
  if (!started) ::kill(pid, SIGKILL);
  ASSERT_TRUE(started);

  auto slow = std::async(std::launch::async, [&] {
    return testing::get("http://127.0.0.1:" + std::to_string(port) + "/slow");
  });
  std::this_thread::sleep_for(100ms);  // the request is in the handler
  ASSERT_EQ(::kill(pid, SIGTERM), 0);

  auto response = slow.get();
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "slow done");

  int status = 0;
  pid_t ended = 0;
  for (int i = 0; i < 300 && ended == 0; ++i) {
    ended = ::waitpid(pid, &status, WNOHANG);
    if (ended == 0) std::this_thread::sleep_for(10ms);
  }
  if (ended == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "the daemon did not stop within 3 s of SIGTERM";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace pier::server
