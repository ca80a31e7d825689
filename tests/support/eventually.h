// Polls a condition until it holds or the limit passes; every wait in the
// tests is bounded this way.
//
//   ASSERT_TRUE(pier::testing::eventually([&] { return kernel_has(key); }));
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace pier::testing {

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(10),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace pier::testing
