// SIGTERM and SIGINT as a stop request, so that a daemon ends gracefully
// when Kubernetes (SIGTERM) or a person (Ctrl-C) asks.
//
//   TerminationSignals signals;          // before starting threads that should not see them
//   auto port = server.start();
//   int signal = signals.wait();         // blocks until SIGTERM or SIGINT
//   log.info("stopping", {{"signal", signal}});
//   server.stop(std::chrono::seconds(20));
//
// A second signal while the first one's graceful stop runs ends the process
// at once (exit status 128 + signal), as people expect from a second Ctrl-C.
// The signals are caught through Boost.Asio's signal_set (a self-pipe), so
// any thread may receive them. Only one TerminationSignals at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>

namespace pier::server {

class TerminationSignals {
 public:
  // `exit_on_second`: a second signal ends the process (off in tests).
  explicit TerminationSignals(bool exit_on_second = true);
  ~TerminationSignals();  // default handling of both signals again
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

  // Blocks until a signal came; returns its number.
  int wait();
  // The signal, if one came within `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  // Requested when the first signal arrives: pass it to loops that stop on it.
  std::stop_token stop_token() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pier::server
