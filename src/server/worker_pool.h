// A fixed set of threads running queued tasks: where request handlers run,
// so that a handler waiting on the database or a cluster never holds up the
// threads that do network I/O.
//
//   WorkerPool pool(8, "pier-http-work");
//   pool.post([&] { handle(request); });
//   pool.stop();   // queued tasks are dropped; running ones finish
//   pool.join();
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pier::server {

class WorkerPool {
 public:
  WorkerPool(int threads, std::string name);
  ~WorkerPool();  // stop() and join()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False once stopped (the task is dropped).
  bool post(std::move_only_function<void()> task);
  // No new tasks; queued ones are dropped (destroyed on this thread); running ones go on.
  void stop();
  // Waits for the threads to end (after stop()).
  void join();

  std::size_t queued() const;
  std::size_t busy() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::move_only_function<void()>> tasks_;
  std::size_t busy_ = 0;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pier::server
