// The pure rules of "one operation per release at a time": whether a running
// operation still holds its release, and the words for when it does.
//
//   switch (lease_state(current, now)) {
//     case LeaseState::kHeld: return fail(release_busy_error(current));
//     case LeaseState::kLapsed: interrupt(current, lapsed_lease_message(current, now)); break;
//     case LeaseState::kFree: break;
//   }
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "store/model.h"

namespace pier::store {

enum class LeaseState {
  kFree,    // no operation, or it has ended
  kHeld,    // running, lease not yet expired
  kLapsed,  // running, but its holder missed the deadline: it may be taken over
};

LeaseState lease_state(const std::optional<Operation>& current, Timestamp now);

// kConflict: "release prod/shop/web is busy: upgrade by bob (operation 41,
// holder pier-1/7) running since 2026-01-01T10:00:00Z, lease until ...".
Error release_busy_error(const Operation& holder);

// The message an operation gets when its lapsed lease is taken from it.
std::string lapsed_lease_message(const Operation& lapsed, Timestamp now);

// RFC 3339 in UTC with milliseconds: "2026-01-01T10:00:00.250Z".
std::string format_timestamp(Timestamp at);

}  // namespace pier::store
