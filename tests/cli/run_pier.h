// Runs the real `pier` binary with arguments, in the source tree, and
// captures its exit status, stdout and stderr; at most 120 s.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pier::cli::testing {

struct PierRun {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline PierRun run_pier(const std::string& args, const std::string& stdin_text = "") {
  static std::atomic<int> counter{0};
  auto base = std::filesystem::temp_directory_path() /
              ("pier-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string in = base.string() + ".in", out = base.string() + ".out", err = base.string() + ".err";
  std::ofstream(in) << stdin_text;
  // Bounded: a pier that hangs is killed after 120 s (exit status 124 or 137).
  std::string command = "cd '" PIER_SOURCE_DIR "' && timeout -k 5 120 '" PIER_BINARY "' " + args + " <'" + in + "' >'" +
                        out + "' 2>'" + err + "'";
  int rc = std::system(command.c_str());
  PierRun run;
  run.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return run;
}

}  // namespace pier::cli::testing
