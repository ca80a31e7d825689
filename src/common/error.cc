#include "common/error.h"

namespace pier {

int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kNotFound:
      return 2;
    default:
      return 1;
  }
}

std::string Error::describe() const {
  std::string out = message;
  for (const auto& d : details) {
    out += "\n  ";
    if (!d.location.empty()) out += d.location + ": ";
    out += d.message;
  }
  return out;
}

}  // namespace pier
