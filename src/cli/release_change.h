// What `pier deploy` and `pier rollback` share once their request is built:
// send it, then print the dry run's diff, or the new revision and the
// operation's events as they happen, and choose the exit status.
//
//   return run_release_change(flags.console, {.release = ref, .action = "deploy",
//                                             .body = request.to_json(), .dry_run = flags.dry_run});
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/console_flags.h"
#include "console_client/api_paths.h"

namespace pier::cli {

struct ReleaseChange {
  console_client::ReleaseRef release;
  std::string action;  // "deploy" or "rollback": the last path segment
  nlohmann::json body;
  bool dry_run = false;
  bool detach = false;  // print the operation and return without following it
};

// 0: a dry run, a detached start, or an operation that succeeded; 1: it failed
// or was interrupted; 2: the server refused the input (every detail printed);
// else exit_code_for(error).
int run_release_change(const ConsoleFlags& console, const ReleaseChange& change);

}  // namespace pier::cli
