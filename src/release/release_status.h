// The status of one revision of a release, and which changes of status are
// allowed. A revision starts pending; its deploy ends it deployed, failed or
// interrupted; a later revision that deploys supersedes the one that was
// deployed.
//
//   ReleaseStatus s = ReleaseStatus::kPending;
//   if (can_transition(s, ReleaseStatus::kDeployed)) s = ReleaseStatus::kDeployed;
//   to_string(s);                          // "deployed"
//   parse_release_status("superseded");    // ReleaseStatus::kSuperseded
#pragma once

#include <optional>
#include <string_view>

namespace pier::release {

enum class ReleaseStatus {
  kPending,      // its deploy has not finished (or is a dry run, which never does)
  kDeployed,     // applied and, when asked, rolled out: what the cluster runs
  kFailed,       // the deploy stopped on an error: refused apply, failed or timed-out rollout
  kSuperseded,   // was deployed; a newer revision has been deployed since
  kInterrupted,  // stopped before the end: shutdown, or its worker died (detected by the console)
};

constexpr std::string_view to_string(ReleaseStatus status) {
  switch (status) {
    case ReleaseStatus::kPending: return "pending";
    case ReleaseStatus::kDeployed: return "deployed";
    case ReleaseStatus::kFailed: return "failed";
    case ReleaseStatus::kSuperseded: return "superseded";
    case ReleaseStatus::kInterrupted: return "interrupted";
  }
  return "pending";
}

constexpr std::optional<ReleaseStatus> parse_release_status(std::string_view text) {
  for (ReleaseStatus s : {ReleaseStatus::kPending, ReleaseStatus::kDeployed, ReleaseStatus::kFailed,
                          ReleaseStatus::kSuperseded, ReleaseStatus::kInterrupted})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

// A status no deploy will change again, except deployed -> superseded.
constexpr bool is_final(ReleaseStatus status) { return status != ReleaseStatus::kPending; }

// pending -> deployed | failed | interrupted; deployed -> superseded.
// Failed and interrupted revisions stay as they are when a newer one
// deploys: history keeps why they did not make it. Staying in the same
// status is not a transition.
constexpr bool can_transition(ReleaseStatus from, ReleaseStatus to) {
  switch (from) {
    case ReleaseStatus::kPending:
      return to == ReleaseStatus::kDeployed || to == ReleaseStatus::kFailed || to == ReleaseStatus::kInterrupted;
    case ReleaseStatus::kDeployed: return to == ReleaseStatus::kSuperseded;
    default: return false;
  }
}

}  // namespace pier::release
