// Runs the console's operations (deploys, rollbacks) in the background and
// keeps their database leases: each running operation is heartbeated every
// lease/3, so that another replica (or this one after a crash) sees it alive;
// an operation whose heartbeat is refused (its lease lapsed and someone
// interrupted it) is told to stop. Expired leases of dead workers anywhere
// are reaped every lease/2, so that a release never stays held by a process
// that is gone.
//
//   OperationRunner runner(store, {.lease_ttl = std::chrono::seconds(15)});
//   runner.start(op.id, [&](std::stop_token stop) { ... deploy, honouring stop ... });
//   ...
//   runner.shutdown(std::chrono::seconds(20));   // lets deploys finish, then interrupts the rest
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>

#include "server/json_log.h"
#include "store/store.h"

namespace pier::console {

struct RunnerOptions {
  std::chrono::milliseconds lease_ttl{15'000};
  const server::Logger* logger = nullptr;  // null: nothing logged
};

class OperationRunner {
 public:
  using Job = std::function<void(std::stop_token)>;

  OperationRunner(store::Store& store, RunnerOptions options);
  ~OperationRunner();  // shutdown(0)
  OperationRunner(const OperationRunner&) = delete;
  OperationRunner& operator=(const OperationRunner&) = delete;

  // Runs `job` on its own thread for the operation, which must be running
  // and held by this process. The job ends the operation itself.
  void start(store::OperationId id, Job job);
  size_t running() const;

  // Refuses new jobs; waits up to `grace` for running jobs to finish, then
  // requests them to stop (they end as interrupted) and waits for them.
  void shutdown(std::chrono::milliseconds grace);

 private:
  struct Running {
    std::jthread thread;
    bool finished = false;
  };

  void keep_leases(std::stop_token stop);
  void reap_finished_locked();

  store::Store& store_;
  RunnerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::map<store::OperationId, Running> jobs_;
  bool accepting_ = true;
  std::jthread lease_keeper_;
};

}  // namespace pier::console
