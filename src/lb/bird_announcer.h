// The OSPF announcement's side effects: bird's include file on disk and
// `birdc configure`, which makes bird read it. Writes only when the text
// differs from the file, atomically (temp file, fsync, rename), then
// reconfigures once.
//
//   lb::BirdcControl birdc("/run/bird/bird.ctl");
//   lb::BirdAnnouncer announcer("/etc/bird/pier-lb-vips.conf", birdc);
//   auto changed = announcer.apply(lb::render_bird_config(settings, vips));
//   if (!changed) log(changed.error().describe());   // apply again later: the configure is retried
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace pier::lb {

// Makes bird read its configuration again. One real kind, one fake in tests.
class BirdControl {
 public:
  virtual ~BirdControl() = default;
  virtual Result<void> configure() = 0;
};

// bird's answer to `configure`, as birdc prints it. Accepted: "Reconfigured",
// "Reconfiguration in progress" and "Reconfiguration already in progress,
// queueing new config" (bird applies the new file when the running
// reconfiguration ends). Anything else is an error carrying bird's lines:
// a configuration error (e.g. "FILE:3:1 syntax error ...") is kInvalidInput,
// a bird shutting down kUnavailable with Retry::kYes.
Result<void> check_configure_reply(std::string_view reply);

// `BIRDC -s SOCKET configure`. birdc failing to run or to reach bird
// (bird not running, wrong socket) is kUnavailable with Retry::kYes; its own
// complaint goes to our standard error.
class BirdcControl final : public BirdControl {
 public:
  explicit BirdcControl(std::string socket_path = "/run/bird/bird.ctl", std::string birdc = "birdc",
                        std::chrono::milliseconds timeout = std::chrono::seconds(30))
      : socket_path_(std::move(socket_path)), birdc_(std::move(birdc)), timeout_(timeout) {}
  Result<void> configure() override;

 private:
  std::string socket_path_;
  std::string birdc_;
  std::chrono::milliseconds timeout_;
};

class BirdAnnouncer {
 public:
  BirdAnnouncer(std::filesystem::path include_file, BirdControl& control)
      : include_file_(std::move(include_file)), control_(control) {}

  // True when the file changed, false when it already held `content`.
  // bird is reconfigured after a change, and once at the first apply of
  // this object even without one: a controller that died between writing
  // and configuring left bird on the old file. A failed write leaves the old
  // file whole; a failed configure is retried by the next apply, even with
  // unchanged content.
  Result<bool> apply(std::string_view content);

  const std::filesystem::path& include_file() const { return include_file_; }

 private:
  std::filesystem::path include_file_;
  BirdControl& control_;
  bool configure_pending_ = true;
};

}  // namespace pier::lb
