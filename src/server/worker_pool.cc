#include "server/worker_pool.h"

#include <pthread.h>

namespace pier::server {

WorkerPool::WorkerPool(int threads, std::string name) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
    // Thread names show in top -H and in debuggers; Linux allows 15 characters.
    pthread_setname_np(threads_.back().native_handle(), name.substr(0, 15).c_str());
  }
}

WorkerPool::~WorkerPool() {
  stop();
  join();
}

bool WorkerPool::post(std::move_only_function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::stop() {
  std::deque<std::move_only_function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    dropped.swap(tasks_);
  }
  wake_.notify_all();
  // `dropped` is destroyed here, outside the lock: tasks may own things
  // whose destructors take other locks.
}

void WorkerPool::join() {
  for (auto& thread : threads_)
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void WorkerPool::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopped_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopped
    std::move_only_function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    ++busy_;
    lock.unlock();
    task();
    task = nullptr;  // release what it holds before taking the lock again
    lock.lock();
    --busy_;
  }
}

}  // namespace pier::server
