// Runs a program to completion and captures its standard output, bounded in
// time and size: what an exec credential plugin needs.
//
//   ProcessSpec spec{.argv = {"aws", "eks", "get-token"}, .extra_env = {{"AWS_PROFILE", "ops"}}};
//   auto done = run_process(spec);
//   if (done && done->exit_code == 0) parse(done->standard_output);
//
// The program inherits pier's environment (plus extra_env) and standard
// error, so its messages and prompts reach the user. A program without '/'
// in its name is looked up in PATH.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace pier::kube {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the program
  std::vector<std::pair<std::string, std::string>> extra_env;  // set or replace
  bool inherit_stdin = false;  // otherwise /dev/null
  std::chrono::milliseconds timeout{60'000};
  size_t max_output_bytes = 1 << 20;
};

struct ProcessResult {
  int exit_code = -1;                // when it exited normally
  std::optional<int> killed_by;      // the signal, when a signal ended it
  std::string standard_output;
};

// Errors (the program's own failure is a result, not an error):
//   kNotFound: the program does not exist or is not executable;
//   kUnavailable + Retry::kYes: the timeout passed (the program is killed);
//   kIo: more output than max_output_bytes, or the system refused to start it.
Result<ProcessResult> run_process(const ProcessSpec& spec);

}  // namespace pier::kube
