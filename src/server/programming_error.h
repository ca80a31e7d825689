// Stops the process on a broken invariant of our own code, such as a route
// pattern with a typo or a metric registered twice with different types: such
// a mistake shows on the first start of a build, never depends on input, and
// continuing would serve wrong answers. (House style: crash only on our own
// bugs, never on anything the outside world sends.)
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace pier::server {

[[noreturn]] inline void programming_error(std::string_view component, std::string_view message) {
  std::fprintf(stderr, "pier: programming error in %.*s: %.*s\n", static_cast<int>(component.size()),
               component.data(), static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace pier::server
