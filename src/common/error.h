// Errors as values across module borders.
//
//   pier::Result<Catalog> c = load_catalog(dir);
//   if (!c) { log(c.error().message); if (c.error().retry == Retry::kYes) ... }
//
// An Error carries what went wrong with its context already in the message
// (file:line:column, JSON pointer, cluster name), a code that callers branch
// on, and whether trying again can help.
#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace pier {

enum class ErrorCode {
  kInvalidInput,  // the user's input is wrong: fix it and run again (exit 2)
  kNotFound,      // a named thing does not exist
  kIo,            // the filesystem or a stream failed
  kUnavailable,   // a remote peer is not answering; retrying may help
  kConflict,      // someone else holds or changed it
  kDenied,        // authentication or authorisation refused (401, 403)
  kInternal,      // a bug of ours
};

enum class Retry {
  kNo,      // the same call fails the same way
  kYes,     // a later attempt may succeed (back off first)
  kResync,  // start over from a fresh full read of the state
};

// One of several problems behind an Error, e.g. each schema violation of a
// values document: where (a JSON pointer, `file:line:column` or a field path)
// and what was expected.
struct ErrorDetail {
  std::string location;
  std::string message;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  Retry retry = Retry::kNo;
  std::vector<ErrorDetail> details;  // every problem, when there are several

  // The message followed by one indented line per detail.
  std::string describe() const;

  static Error make(ErrorCode code, std::string message, Retry retry = Retry::kNo) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    e.retry = retry;
    return e;
  }
  static Error invalid(std::string message) { return make(ErrorCode::kInvalidInput, std::move(message)); }
  static Error not_found(std::string message) { return make(ErrorCode::kNotFound, std::move(message)); }
  static Error io(std::string message) { return make(ErrorCode::kIo, std::move(message)); }
  static Error internal(std::string message) { return make(ErrorCode::kInternal, std::move(message)); }
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for `return std::unexpected(error);`.
inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

// Process exit status for an error: 2 for bad input, as the CLI promises.
int exit_code_for(const Error& error);

}  // namespace pier
