#include "fault_injection.h"

namespace pier::testing::kube_double {

void FaultInjector::fail_next(int count, int http_status, std::optional<int> retry_after_seconds) {
  std::lock_guard lock(mutex_);
  failures_left_ = count;
  failure_status_ = http_status;
  retry_after_seconds_ = retry_after_seconds;
}

std::optional<ApiError> FaultInjector::take_failure() {
  std::lock_guard lock(mutex_);
  if (failures_left_ <= 0) return std::nullopt;
  --failures_left_;
  return ApiError::injected(failure_status_, retry_after_seconds_);
}

void FaultInjector::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(mutex_);
  latency_ = latency;
}

std::chrono::milliseconds FaultInjector::latency() const {
  std::lock_guard lock(mutex_);
  return latency_;
}

void FaultInjector::record(const std::string& method, const std::string& target) {
  std::lock_guard lock(mutex_);
  ++request_count_;
  log_.push_back(method + " " + target);
}

size_t FaultInjector::request_count() const {
  std::lock_guard lock(mutex_);
  return request_count_;
}

std::vector<std::string> FaultInjector::request_log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

void FaultInjector::clear_request_log() {
  std::lock_guard lock(mutex_);
  log_.clear();
}

}  // namespace pier::testing::kube_double
