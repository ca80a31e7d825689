#include "kube/curl_handle_pool.h"

namespace pier::kube {

class CurlHandlePool::Slot {
 public:
  Slot(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() {
    if (easy_) curl_easy_cleanup(easy_);
    if (multi_) curl_multi_cleanup(multi_);
  }
  CURL* easy() const { return easy_; }
  CURLM* multi() const { return multi_; }

 private:
  CURLM* multi_;
  CURL* easy_;
};

CurlHandlePool::Lease::Lease(CurlHandlePool* pool, std::unique_ptr<Slot> slot) : pool_(pool), slot_(std::move(slot)) {}
CurlHandlePool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(std::move(other.slot_)) {}
CurlHandlePool::Lease::~Lease() {
  if (slot_) pool_->release(std::move(slot_));
}
CURL* CurlHandlePool::Lease::easy() const { return slot_->easy(); }
CURLM* CurlHandlePool::Lease::multi() const { return slot_->multi(); }

CurlHandlePool::CurlHandlePool(size_t max_idle) : max_idle_(max_idle) {
  share_ = curl_share_init();
  if (share_) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlHandlePool::lock_share);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlHandlePool::unlock_share);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

CurlHandlePool::~CurlHandlePool() {
  idle_.clear();  // every easy handle using the share is gone before the share
  if (share_) curl_share_cleanup(share_);
}

void CurlHandlePool::lock_share(CURL*, curl_lock_data data, curl_lock_access, void* pool) {
  static_cast<CurlHandlePool*>(pool)->share_locks_[static_cast<size_t>(data)].lock();
}

void CurlHandlePool::unlock_share(CURL*, curl_lock_data data, void* pool) {
  static_cast<CurlHandlePool*>(pool)->share_locks_[static_cast<size_t>(data)].unlock();
}

Result<CurlHandlePool::Lease> CurlHandlePool::acquire() {
  std::unique_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      slot = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!slot) {
    CURLM* multi = curl_multi_init();
    CURL* easy = curl_easy_init();
    slot = std::make_unique<Slot>(multi, easy);
    if (!multi || !easy) return fail(Error::internal("libcurl could not create a handle (out of memory?)"));
  }
  curl_easy_reset(slot->easy());  // keeps connections, DNS and session caches
  if (share_) curl_easy_setopt(slot->easy(), CURLOPT_SHARE, share_);
  return Lease(this, std::move(slot));
}

void CurlHandlePool::release(std::unique_ptr<Slot> slot) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(slot));
  // else: slot (and its connections) closes here
}

}  // namespace pier::kube
