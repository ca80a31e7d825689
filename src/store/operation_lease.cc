#include "store/operation_lease.h"

#include <cstdio>
#include <ctime>

namespace pier::store {

LeaseState lease_state(const std::optional<Operation>& current, Timestamp now) {
  if (!current || current->status != OperationStatus::kRunning) return LeaseState::kFree;
  // Expiry is inclusive: a holder that heartbeats exactly at the deadline is late.
  return now < current->lease_expires_at ? LeaseState::kHeld : LeaseState::kLapsed;
}

Error release_busy_error(const Operation& holder) {
  std::string who = holder.user.empty() ? std::string() : " by " + holder.user;
  return Error::make(ErrorCode::kConflict,
                     "release " + holder.key.to_string() + " is busy: " + holder.kind + who + " (operation " +
                         std::to_string(holder.id.value) + ", holder " + holder.holder + ") running since " +
                         format_timestamp(holder.started_at) + ", lease until " +
                         format_timestamp(holder.lease_expires_at),
                     Retry::kYes);
}

std::string lapsed_lease_message(const Operation& lapsed, Timestamp now) {
  return "interrupted: holder " + lapsed.holder + " stopped renewing its lease (expired " +
         format_timestamp(lapsed.lease_expires_at) + ", noticed " + format_timestamp(now) + ")";
}

std::string format_timestamp(Timestamp at) {
  auto millis = std::chrono::floor<std::chrono::milliseconds>(at).time_since_epoch().count();
  auto seconds = static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[96];  // ample for any year the int fields can hold
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis - seconds * 1000LL));
  return text;
}

}  // namespace pier::store
