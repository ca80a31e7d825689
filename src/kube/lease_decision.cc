#include "kube/lease_decision.h"

#include <string>

namespace pier::kube {

namespace {

std::string seconds_text(std::chrono::steady_clock::duration duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

LeaseRecord holding_record(std::string_view identity, const LeaseTiming& timing,
                           std::chrono::system_clock::time_point wall_now) {
  LeaseRecord record;
  record.holder_identity = std::string(identity);
  record.lease_duration_seconds = timing.lease_duration.count();
  record.acquire_time = format_micro_time(wall_now);
  record.renew_time = record.acquire_time;
  return record;
}

}  // namespace

Result<void> validate(const LeaseTiming& timing) {
  using std::chrono::milliseconds;
  if (timing.lease_duration.count() < 1)
    return fail(Error::invalid("leader election: lease duration must be at least 1s"));
  if (timing.renew_deadline.count() < 1)
    return fail(Error::invalid("leader election: renew deadline must be positive"));
  if (timing.retry_period.count() < 1) return fail(Error::invalid("leader election: retry period must be positive"));
  if (milliseconds(timing.lease_duration) <= timing.renew_deadline)
    return fail(Error::invalid("leader election: lease duration must be greater than the renew deadline"));
  // The leader retries within the deadline, with jitter of up to 1.2 periods.
  if (timing.renew_deadline * 5 <= timing.retry_period * 6)
    return fail(Error::invalid("leader election: renew deadline must be greater than 1.2 x the retry period"));
  return {};
}

LeaseObservation observe(const std::optional<LeaseObservation>& previous, const LeaseRecord& current,
                         std::chrono::steady_clock::time_point now) {
  if (previous && previous->record == current) return *previous;
  return {current, now};
}

LeaseDecision decide_lease(const ElectionSnapshot& snapshot, std::string_view identity, const LeaseTiming& timing) {
  LeaseDecision decision;
  // Never act as leader past the deadline, whatever the lease says: others
  // may take over lease_duration after our last renewal, and the deadline
  // comes first.
  if (snapshot.leading && snapshot.now >= snapshot.last_renewed + timing.renew_deadline) {
    decision.action = LeaseAction::kStepDown;
    decision.reason = "no successful renewal for " + seconds_text(snapshot.now - snapshot.last_renewed);
    return decision;
  }

  if (!snapshot.lease) {
    decision.action = LeaseAction::kCreate;
    decision.record = holding_record(identity, timing, snapshot.wall_now);
    decision.reason = "no lease yet";
    return decision;
  }

  const LeaseRecord& current = snapshot.lease->record;
  const bool ours = current.holder_identity == identity;
  if (ours) {
    decision.action = LeaseAction::kRenew;
    decision.record = current;
    decision.record.lease_duration_seconds = timing.lease_duration.count();
    decision.record.renew_time = format_micro_time(snapshot.wall_now);
    if (decision.record.acquire_time.empty()) decision.record.acquire_time = decision.record.renew_time;
    decision.reason = "held by us";
    return decision;
  }

  if (snapshot.leading) {
    // Someone else wrote themselves in: we lost it, even if their record
    // looks stale to us.
    decision.action = LeaseAction::kStepDown;
    decision.reason =
        "the lease is held by " + (current.holder_identity.empty() ? std::string("nobody") : current.holder_identity);
    return decision;
  }

  const bool free = current.holder_identity.empty();
  const auto expires_at = snapshot.lease->observed_at + std::chrono::seconds(current.lease_duration_seconds);
  if (!free && snapshot.now < expires_at) {
    decision.action = LeaseAction::kWait;
    decision.reason = "held by " + current.holder_identity + ", expires in " + seconds_text(expires_at - snapshot.now) +
                      " unless renewed";
    return decision;
  }

  decision.action = LeaseAction::kTakeOver;
  decision.record = holding_record(identity, timing, snapshot.wall_now);
  decision.record.lease_transitions = current.lease_transitions + 1;
  decision.reason = free ? "the lease is free" : "held by " + current.holder_identity + ", expired";
  return decision;
}

LeaseRecord released_record(const LeaseRecord& held, std::chrono::system_clock::time_point wall_now) {
  LeaseRecord record;
  record.lease_duration_seconds = 1;
  record.acquire_time = format_micro_time(wall_now);
  record.renew_time = record.acquire_time;
  record.lease_transitions = held.lease_transitions;
  return record;
}

std::string_view to_string(LeaseAction action) {
  switch (action) {
    case LeaseAction::kCreate:
      return "create";
    case LeaseAction::kTakeOver:
      return "take over";
    case LeaseAction::kRenew:
      return "renew";
    case LeaseAction::kWait:
      return "wait";
    case LeaseAction::kStepDown:
      return "step down";
  }
  return "?";
}

}  // namespace pier::kube
