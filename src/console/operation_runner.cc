#include "console/operation_runner.h"

#include <vector>

namespace pier::console {

OperationRunner::OperationRunner(store::Store& store, RunnerOptions options)
    : store_(store), options_(options), lease_keeper_([this](std::stop_token stop) { keep_leases(stop); }) {}

OperationRunner::~OperationRunner() { shutdown(std::chrono::milliseconds(0)); }

void OperationRunner::start(store::OperationId id, Job job) {
  std::lock_guard lock(mutex_);
  reap_finished_locked();
  if (!accepting_) {
    // Shutting down: the job is not run; it sees its stop at once and ends
    // the operation as interrupted on this thread.
    std::stop_source stopped;
    stopped.request_stop();
    job(stopped.get_token());
    return;
  }
  Running& slot = jobs_[id];
  slot.thread = std::jthread([this, id, job = std::move(job)](std::stop_token stop) {
    job(stop);
    std::lock_guard lock(mutex_);
    jobs_[id].finished = true;
    changed_.notify_all();
  });
}

size_t OperationRunner::running() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [id, job] : jobs_) n += job.finished ? 0 : 1;
  return n;
}

void OperationRunner::reap_finished_locked() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.finished) {
      // The thread has set `finished` as its last step under the lock; joining
      // waits only for it to return.
      it->second.thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

void OperationRunner::shutdown(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  accepting_ = false;
  auto all_done = [&] {
    for (const auto& [id, job] : jobs_)
      if (!job.finished) return false;
    return true;
  };
  changed_.wait_for(lock, grace, all_done);
  for (auto& [id, job] : jobs_) job.thread.request_stop();
  changed_.wait(lock, all_done);
  reap_finished_locked();
  lock.unlock();
  lease_keeper_.request_stop();
  if (lease_keeper_.joinable()) lease_keeper_.join();
}

void OperationRunner::keep_leases(std::stop_token stop) {
  const auto heartbeat_every = std::max(options_.lease_ttl / 3, std::chrono::milliseconds(50));
  const auto reap_every = std::max(options_.lease_ttl / 2, std::chrono::milliseconds(50));
  auto next_reap = std::chrono::steady_clock::now();
  std::mutex sleep_mutex;
  std::condition_variable_any sleeper;
  while (!stop.stop_requested()) {
    std::vector<store::OperationId> ids;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, job] : jobs_)
        if (!job.finished) ids.push_back(id);
    }
    for (store::OperationId id : ids) {
      auto beat = store_.heartbeat(id);
      if (beat || beat.error().code != ErrorCode::kConflict) {
        if (!beat && options_.logger)
          options_.logger->warn("operation heartbeat failed", {{"operation", id.value}, {"error", beat.error().message}});
        continue;
      }
      // Another process decided this operation's worker was dead: stop doing its work.
      if (options_.logger)
        options_.logger->warn("operation lost its lease; stopping it", {{"operation", id.value}});
      std::lock_guard lock(mutex_);
      if (auto it = jobs_.find(id); it != jobs_.end()) it->second.thread.request_stop();
    }
    if (std::chrono::steady_clock::now() >= next_reap) {
      auto reaped = store_.reap_expired();
      if (reaped && *reaped > 0 && options_.logger)
        options_.logger->warn("interrupted operations whose worker stopped answering", {{"count", *reaped}});
      next_reap = std::chrono::steady_clock::now() + reap_every;
    }
    std::unique_lock lock(sleep_mutex);
    sleeper.wait_for(lock, stop, heartbeat_every, [] { return false; });
  }
}

}  // namespace pier::console
