// Runs a shell command for a test and returns what it printed (stdout and
// stderr together): `ip netns add`, `nft list table`, ...
#pragma once

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace pier::testing {

inline std::string shell(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) out.append(buffer.data(), n);
  return out;
}

}  // namespace pier::testing
