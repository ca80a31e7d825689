#include "lb/bird_announcer.h"

#include <string>
#include <vector>

#include "common/files.h"
#include "kube/subprocess.h"

namespace pier::lb {

namespace {

std::string_view trim(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line;
}

}  // namespace

Result<void> check_configure_reply(std::string_view reply) {
  std::vector<std::string_view> said;  // bird's lines without birdc's greeting
  bool shutting_down = false;
  while (!reply.empty()) {
    const size_t end = reply.find('\n');
    std::string_view line = trim(reply.substr(0, end));
    reply.remove_prefix(end == std::string_view::npos ? reply.size() : end + 1);
    if (line.empty() || (line.starts_with("BIRD ") && line.ends_with(" ready."))) continue;
    if (line == "Reconfigured" || line == "Reconfiguration in progress" ||
        line == "Reconfiguration already in progress, queueing new config")
      return {};
    if (line.starts_with("Reading configuration from ")) continue;
    if (line == "Shutdown in progress" || line == "Reconfiguration ignored, shutting down") shutting_down = true;
    said.push_back(line);
  }
  std::string message = "bird did not reconfigure";
  for (size_t i = 0; i < said.size(); ++i) message += std::string(i == 0 ? ": " : "; ") + std::string(said[i]);
  if (said.empty()) message += ": no reply";
  if (shutting_down) return fail(Error::make(ErrorCode::kUnavailable, std::move(message), Retry::kYes));
  return fail(Error::make(ErrorCode::kInvalidInput, std::move(message), Retry::kNo));
}

Result<void> BirdcControl::configure() {
  kube::ProcessSpec spec{.argv = {birdc_, "-s", socket_path_, "configure"}, .timeout = timeout_};
  auto done = kube::run_process(spec);
  if (!done) {
    Error error = done.error();
    error.message = "birdc configure: " + error.message;
    if (error.code == ErrorCode::kNotFound) error.retry = Retry::kNo;
    return fail(std::move(error));
  }
  // birdc also exits 1 when bird refused the file: then bird's own words
  // are on standard output and say more than the exit status.
  if (!done->killed_by && done->standard_output.find("ready.") != std::string::npos)
    return check_configure_reply(done->standard_output);
  if (done->killed_by || done->exit_code != 0) {
    std::string how = done->killed_by ? "was killed by signal " + std::to_string(*done->killed_by)
                                      : "exited with " + std::to_string(done->exit_code);
    return fail(Error::make(ErrorCode::kUnavailable,
                            "birdc -s " + socket_path_ + " configure " + how + " (is bird running on that socket?)",
                            Retry::kYes));
  }
  return fail(Error::make(ErrorCode::kUnavailable, "birdc -s " + socket_path_ + " configure printed no reply from bird",
                          Retry::kYes));
}

Result<bool> BirdAnnouncer::apply(std::string_view content) {
  auto current = read_file(include_file_);
  if (!current && current.error().code != ErrorCode::kNotFound) return fail(current.error());
  const bool changed = !current || *current != content;
  if (changed) {
    if (auto written = write_file_atomic(include_file_, content); !written) {
      Error error = written.error();
      error.retry = Retry::kYes;
      return fail(std::move(error));
    }
    configure_pending_ = true;
  }
  if (configure_pending_) {
    if (auto configured = control_.configure(); !configured) return fail(configured.error());
    configure_pending_ = false;
  }
  return changed;
}

}  // namespace pier::lb
