// This machine's host name, as gethostname(2) gives it; "" when it cannot
// (each caller picks the stand-in that suits it).
#pragma once

#include <string>

namespace pier {

std::string host_name();

}  // namespace pier
