// Durations as people read them in messages: "30 s", "1.5 s", "250 ms".
//
//   "timed out after " + duration_text(std::chrono::milliseconds(30'000))  // "timed out after 30 s"
#pragma once

#include <chrono>
#include <string>

namespace pier::kube {

std::string duration_text(std::chrono::milliseconds duration);

}  // namespace pier::kube
