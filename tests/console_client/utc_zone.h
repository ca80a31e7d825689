// Shown times are local: tests of output that holds them run in UTC and put
// the process's zone back afterwards.
#pragma once

#include <cstdlib>
#include <ctime>
#include <string>

namespace pier::console_client::testing {

class ScopedUtcZone {
 public:
  ScopedUtcZone() {
    if (const char* zone = std::getenv("TZ")) saved_ = zone;
    had_zone_ = std::getenv("TZ") != nullptr;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~ScopedUtcZone() {
    if (had_zone_)
      ::setenv("TZ", saved_.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  ScopedUtcZone(const ScopedUtcZone&) = delete;
  ScopedUtcZone& operator=(const ScopedUtcZone&) = delete;

 private:
  std::string saved_;
  bool had_zone_ = false;
};

}  // namespace pier::console_client::testing
