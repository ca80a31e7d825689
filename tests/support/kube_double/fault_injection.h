// Faults tests inject into the double, and the log of what it was asked:
// the next N requests fail with a chosen status (429 with Retry-After, 500,
// 503, ...), every request waits a chosen latency first.
//
//   faults.fail_next(2, 429, 1);  // two 429s with Retry-After: 1
//   faults.request_log();         // {"GET /api/v1/namespaces/default/pods?watch=1&resourceVersion=7", ...}
//
// Thread-safe: tests call it while the server thread serves.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_error.h"

namespace pier::testing::kube_double {

class FaultInjector {
 public:
  void fail_next(int count, int http_status, std::optional<int> retry_after_seconds);
  // Called once per request: the failure to answer with, if one is due.
  std::optional<ApiError> take_failure();

  void set_latency(std::chrono::milliseconds latency);
  std::chrono::milliseconds latency() const;

  void record(const std::string& method, const std::string& target);
  size_t request_count() const;
  std::vector<std::string> request_log() const;
  void clear_request_log();

 private:
  mutable std::mutex mutex_;
  int failures_left_ = 0;
  int failure_status_ = 500;
  std::optional<int> retry_after_seconds_;
  std::chrono::milliseconds latency_{0};
  size_t request_count_ = 0;
  std::vector<std::string> log_;
};

}  // namespace pier::testing::kube_double
