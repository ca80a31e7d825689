// A small pool of database connections, shared by the store's threads: each
// unit of work borrows one connection and gives it back. Connections are made
// on demand, up to a maximum; a borrower waits (bounded) when all are out.
//
//   ConnectionPool<PgConnection> pool(8, [&] { return PgConnection::connect(url); }, std::chrono::seconds(30));
//   auto lease = pool.acquire();
//   if (!lease) return fail(lease.error());
//   use(lease->connection());
//   if (broken) lease->discard();  // closed instead of returned; pool.drop_idle() for its siblings
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace pier::store {

template <class Connection>
class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

  ConnectionPool(int max_connections, Factory factory, std::chrono::milliseconds wait_limit)
      : max_(max_connections < 1 ? 1 : max_connections), factory_(std::move(factory)), wait_limit_(wait_limit) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection, bool reused)
        : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)), reused_(other.reused_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_) pool_->give_back(std::move(connection_));
    }
    Connection& connection() { return *connection_; }
    // True when the connection served earlier work: it may have died since
    // (the server restarted) without anyone noticing yet.
    bool reused() const { return reused_; }
    // Close it instead of returning it (it is broken).
    void discard() { connection_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool reused_;
  };

  // kUnavailable when every connection stayed busy for the wait limit, or a
  // new connection cannot be made.
  Result<Lease> acquire() {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, wait_limit_, [&] { return !idle_.empty() || open_ < max_; }))
      return fail(Error::make(ErrorCode::kUnavailable,
                              "database: all " + std::to_string(max_) + " connections stayed busy for " +
                                  std::to_string(wait_limit_.count()) + " ms",
                              Retry::kYes));
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection), true);
    }
    ++open_;
    lock.unlock();  // connecting may take a while; others may use idle connections meanwhile
    auto made = factory_();
    if (!made) {
      lock.lock();
      --open_;
      available_.notify_one();
      return fail(made.error());
    }
    return Lease(this, std::move(*made), false);
  }

  // Closes every idle connection: after one connection found the server
  // gone, the others (made before) are dead too.
  void drop_idle() {
    std::vector<std::unique_ptr<Connection>> dropped;
    {
      std::lock_guard lock(mutex_);
      dropped.swap(idle_);
      open_ -= static_cast<int>(dropped.size());
    }
    available_.notify_all();
  }

 private:
  void give_back(std::unique_ptr<Connection> connection) {
    {
      std::lock_guard lock(mutex_);
      if (connection)
        idle_.push_back(std::move(connection));
      else
        --open_;
    }
    available_.notify_one();
  }

  const int max_;
  const Factory factory_;
  const std::chrono::milliseconds wait_limit_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + lent out
};

}  // namespace pier::store
