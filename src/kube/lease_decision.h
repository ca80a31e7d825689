// What a leader election candidate does next, as a pure function of what it
// has observed: client-go's leaderelection rules (tryAcquireOrRenew).
//
//   LeaseObservation seen = observe(previous, LeaseRecord::of(lease), clock.now());
//   LeaseDecision d = decide_lease({seen, leading, last_renewed, clock.now(), clock.wall_now()},
//                                  "web-0_4711", timing);
//   if (d.action == LeaseAction::kTakeOver) { d.record.write_to(lease); client.replace(lease); }
//
// Expiry is judged on our own clock: a lease held by someone else expires
// leaseDurationSeconds after we last saw its record change, whatever its
// renewTime says. Timestamps written by other machines are never compared
// with ours, so clock skew between replicas does not matter (only a
// difference in clock *rate*, which lease_duration / renew_deadline bounds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "kube/lease_record.h"

namespace pier::kube {

struct LeaseTiming {
  // How long others wait, from the last change they saw, before taking over.
  std::chrono::seconds lease_duration{15};
  // How long the leader keeps leading without a successful renewal.
  std::chrono::milliseconds renew_deadline{10'000};
  // Between attempts to acquire or renew.
  std::chrono::milliseconds retry_period{2'000};
};

// client-go's constraints: lease_duration > renew_deadline > 1.2 x
// retry_period > 0, so that a leader gives up before others may take over.
Result<void> validate(const LeaseTiming& timing);

// A record and when WE first saw it in this exact form.
struct LeaseObservation {
  LeaseRecord record;
  std::chrono::steady_clock::time_point observed_at{};
};

// `current` as observed at `now`: the previous observation time is kept when
// the record has not changed, so a holder that stops renewing ages.
LeaseObservation observe(const std::optional<LeaseObservation>& previous, const LeaseRecord& current,
                         std::chrono::steady_clock::time_point now);

struct ElectionSnapshot {
  std::optional<LeaseObservation> lease;                 // nullopt: no Lease object exists
  bool leading = false;                                  // we act as leader
  std::chrono::steady_clock::time_point last_renewed{};  // our last successful write, when leading
  std::chrono::steady_clock::time_point now{};
  std::chrono::system_clock::time_point wall_now{};  // for the timestamps we write
};

enum class LeaseAction {
  kCreate,    // no Lease: create it holding it
  kTakeOver,  // free or expired: write ourselves as holder, one more transition
  kRenew,     // ours: write a new renewTime
  kWait,      // someone else holds it and has renewed recently
  kStepDown,  // we lead but must not any more: renew deadline passed, or another holder
};

struct LeaseDecision {
  LeaseAction action = LeaseAction::kWait;
  LeaseRecord record;  // what to write, for kCreate, kTakeOver, kRenew
  std::string reason;  // for logs: why this action
};

LeaseDecision decide_lease(const ElectionSnapshot& snapshot, std::string_view identity, const LeaseTiming& timing);

// The record that gives a held lease up (client-go's release): no holder, a
// one-second duration so that any candidate takes over at its next attempt,
// the transition count kept.
LeaseRecord released_record(const LeaseRecord& held, std::chrono::system_clock::time_point wall_now);

std::string_view to_string(LeaseAction action);

}  // namespace pier::kube
