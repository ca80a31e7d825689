// Reusable libcurl handles for one cluster, safe to use from several threads.
//
//   CurlHandlePool pool(4);
//   auto lease = pool.acquire();           // a handle nobody else uses now
//   curl_easy_setopt(lease->easy(), ...);  // options are reset at each acquire
//   ... drive lease->multi() ...
//   // the lease's destructor returns the handle, with its open connections
//
// Why a pool of (multi, easy) pairs and not one shared connection cache:
// libcurl does not support sharing connections between threads
// (CURL_LOCK_DATA_CONNECT), and a curl handle serves one thread at a time.
// Each pair keeps its own connections alive between requests, so
// back-to-back requests on one thread reuse one connection; DNS answers and
// TLS sessions are shared by all pairs through a share handle, so a second
// concurrent connection resumes the TLS session. Each easy handle runs in
// its own multi handle so that a waiting transfer can be woken from another
// thread (curl_multi_wakeup) when a watch is asked to stop.
#pragma once

#include <curl/curl.h>

#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "common/error.h"

namespace pier::kube {

class CurlHandlePool {
 public:
  class Slot;

  // Returns the handle to the pool when destroyed (unless discard()ed).
  class Lease {
   public:
    Lease(CurlHandlePool* pool, std::unique_ptr<Slot> slot);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    CURL* easy() const;
    CURLM* multi() const;

   private:
    CurlHandlePool* pool_;
    std::unique_ptr<Slot> slot_;
  };

  explicit CurlHandlePool(size_t max_idle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  // An idle handle, or a new one. Its options are reset to libcurl's
  // defaults plus the share handle; its connections and caches are kept.
  Result<Lease> acquire();

 private:
  void release(std::unique_ptr<Slot> slot);
  static void lock_share(CURL*, curl_lock_data data, curl_lock_access, void* pool);
  static void unlock_share(CURL*, curl_lock_data data, void* pool);

  const size_t max_idle_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> idle_;  // most recently used last
};

}  // namespace pier::kube
